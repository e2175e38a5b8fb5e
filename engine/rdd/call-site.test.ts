import { describe, expect, it } from "vitest";
import { callSiteFromStack } from "./call-site";

const engine = "/repo/engine";

describe("callSiteFromStack", () => {
  it("skips engine, node and dependency frames and names the user's file and line", () => {
    const stack = [
      "Error",
      "    at userCallSite (/repo/engine/rdd/call-site.ts:10:3)",
      "    at RDD.map (file:///repo/engine/rdd/rdd-transformations.ts:99:1)",
      "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
      "    at wordcount (/home/me/jobs/wordcount.mts:12:7)",
    ].join("\n");
    expect(callSiteFromStack(stack, "map", engine)).toBe("map at wordcount.mts:12");
  });

  it("names notebook cells as <cell N>", () => {
    const stack = "Error\n    at userCallSite (/repo/engine/rdd/call-site.ts:1:1)\n    at <cell 3>:5:12\n    at run (/repo/kernel/executor.ts:9:9)";
    expect(callSiteFromStack(stack, "collect", engine)).toBe("collect at <cell 3>:5");
    expect(callSiteFromStack("Error\n    at Object.<anonymous> (<cell 12>:1:30)", "count", engine)).toBe("count at <cell 12>:1");
  });

  it("falls back to <unknown>", () => {
    expect(callSiteFromStack("Error\n    at /repo/engine/x.ts:1:1", "take", engine)).toBe("take at <unknown>");
  });
});
