import { afterEach, describe, expect, it } from "vitest";
import { systemTimeZone } from "./time-zone";

describe("systemTimeZone", () => {
  const saved = process.env.TZ;
  afterEach(() => { if (saved === undefined) delete process.env.TZ; else process.env.TZ = saved; });

  it("is the process's zone, followed when TZ changes (Node resets its zone then)", () => {
    process.env.TZ = "America/New_York";
    expect(systemTimeZone()).toBe("America/New_York");
    expect(systemTimeZone()).toBe("America/New_York");
    process.env.TZ = "Asia/Tokyo";
    expect(systemTimeZone()).toBe("Asia/Tokyo");
  });
});
