import { defineConfig } from "vitest/config";

// Unit tests sit beside the code (*.test.ts); integration suites live under test/.
export default defineConfig({
  test: {
    include: ["engine/**/*.test.ts", "kernel/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["node_modules/**", "test/bench/**"],
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    reporters: ["default"],
  },
});
