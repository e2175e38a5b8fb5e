// Spark UI's byte and duration formats (Utils.bytesToString, UIUtils.formatDuration) and escaping.
import { describe, expect, it } from "vitest";
import { ellipsize, escapeXml, formatBytes, formatCount, formatDuration } from "./format";

describe("format", () => {
  it("formats bytes like Spark", () => {
    expect(formatBytes(0)).toBe("0.0 B");
    expect(formatBytes(100)).toBe("100.0 B");
    expect(formatBytes(1536)).toBe("1536.0 B");
    expect(formatBytes(2048)).toBe("2.0 KiB");
    expect(formatBytes(3_100_000)).toBe("3.0 MiB");
    expect(formatBytes(5 * 2 ** 30)).toBe("5.0 GiB");
  });
  it("formats durations like Spark", () => {
    expect(formatDuration(35)).toBe("35 ms");
    expect(formatDuration(350)).toBe("0.4 s");
    expect(formatDuration(12_300)).toBe("12 s");
    expect(formatDuration(90_000)).toBe("1.5 min");
    expect(formatDuration(25 * 60_000)).toBe("25 min");
    expect(formatDuration(2 * 3_600_000)).toBe("2.0 h");
  });
  it("groups counts and escapes markup", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(-1000.5)).toBe("-1,000.50");
    expect(escapeXml(`<a href="x">&'</a>\u0001`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;\uFFFD");
    expect(ellipsize("abcdef", 4)).toBe("abc…");
  });
});
