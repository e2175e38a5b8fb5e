import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The workbench's root vitest config only looks under engine/, kernel/ and test/; run these with
// `npx vitest run --config extensions/bigdata-mime/vitest.config.ts`.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  resolve: {
    // Lumino is not installed here; see test-support/lumino-stand-in.ts.
    alias: { "@lumino/widgets": fileURLToPath(new URL("./test-support/lumino-stand-in.ts", import.meta.url)) },
  },
  test: {
    include: ["src/**/*.test.ts"],
    pool: "forks",
    testTimeout: 120_000,
    fileParallelism: false,
  },
});
