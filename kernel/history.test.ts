import { describe, expect, it } from "vitest";
import { globToRegExp, History } from "./history";

function filled(): History {
  const h = new History(1);
  ["const a = 1", "a + 1", "console.log(a)", "a + 1", "a * 3"].forEach((c, i) => h.add(i + 1, c));
  h.setOutput(2, "2");
  return h;
}

describe("history", () => {
  it("tail returns the last n entries with outputs when asked", () => {
    expect(filled().query({ hist_access_type: "tail", n: 2 })).toEqual([[1, 4, "a + 1"], [1, 5, "a * 3"]]);
    expect(filled().query({ hist_access_type: "tail", n: 1, output: true })).toEqual([[1, 5, ["a * 3", null]]]);
    expect(filled().query({ hist_access_type: "range", start: 2, stop: 3, output: true })).toEqual([[1, 2, ["a + 1", "2"]]]);
  });

  it("range is half-open and only knows this session", () => {
    expect(filled().query({ hist_access_type: "range", session: 1, start: 2, stop: 4 }).map((e) => e[1])).toEqual([2, 3]);
    expect(filled().query({ hist_access_type: "range", session: 0, start: 4 }).map((e) => e[1])).toEqual([4, 5]);
    expect(filled().query({ hist_access_type: "range", session: 7, start: 1 })).toEqual([]);
  });

  it("search matches globs, keeps the newest of duplicates with unique, and limits with n", () => {
    const h = filled();
    expect(h.query({ hist_access_type: "search", pattern: "a + *" }).map((e) => e[1])).toEqual([2, 4]);
    expect(h.query({ hist_access_type: "search", pattern: "a + *", unique: true }).map((e) => e[1])).toEqual([4]);
    expect(h.query({ hist_access_type: "search", pattern: "a*", n: 2 }).map((e) => e[1])).toEqual([4, 5]);
  });

  it("globs behave like fnmatch", () => {
    expect(globToRegExp("a?c").test("abc")).toBe(true);
    expect(globToRegExp("a?c").test("abbc")).toBe(false);
    expect(globToRegExp("[ab]*").test("b.x")).toBe(true);
    expect(globToRegExp("x.y").test("xzy")).toBe(false);
  });
});
