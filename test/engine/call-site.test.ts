// userCallSite from outside the engine: it must name this file and the calling line exactly as
// formatting the whole (source-mapped) stack does.
import { describe, expect, it } from "vitest";
import { userCallSite } from "../../engine/rdd/call-site";

describe("userCallSite", () => {
  it("names the calling file and line as the fully formatted stack does", () => {
    const here = Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split("\n")[1]!)![1]);
    const site = userCallSite("count");
    expect(site).toBe(`count at call-site.test.ts:${here + 1}`);
    const nested = [0].map(() => userCallSite("map"))[0];
    expect(nested).toBe(`map at call-site.test.ts:${here + 3}`);
  });
});
