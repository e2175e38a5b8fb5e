// Text file splits: every line is read by exactly one split, whatever the split boundaries, in
// both the pull form (readLines) and the push form (LineReader, used by eachRecord). Reference:
// String.split on the whole file.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LineReader, readLines, type FileSplit } from "./source-rdd";

function referenceLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (text.endsWith("\n")) lines.pop();
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

function splitsOf(path: string, size: number, bounds: number[]): FileSplit[] {
  const cuts = [0, ...bounds.filter((b) => b > 0 && b < size), size];
  return cuts.slice(1).map((end, i) => ({ path, start: cuts[i]!, end }));
}

function pushLines(split: FileSplit): string[] {
  const out: string[] = [];
  const r = new LineReader(split);
  for (let l = r.next(); l !== undefined; l = r.next()) out.push(l);
  return out;
}

describe("text file splits", () => {
  const dir = mkdtempSync(join(tmpdir(), "lines-"));
  const long = "y".repeat(3 << 20);   // longer than the reader's buffer
  const cases: Record<string, string> = {
    empty: "",
    oneNewline: "\n",
    noTrailingNewline: "alpha\nbeta\ngamma",
    trailingNewline: "alpha\nbeta\n",
    blankLines: "\n\na\n\n\nb\n\n",
    crlf: "one\r\ntwo\r\n\r\nthree\r",
    unicode: "héllo wörld\n日本語のテキスト\n🙂 emoji 🙂\nplain\n",
    longLine: `short\n${long}\nafter\n${long}`,
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`reads each line once: ${name}`, () => {
      const path = join(dir, `${name}.txt`);
      writeFileSync(path, text);
      const size = Buffer.byteLength(text);
      const want = referenceLines(text);
      const layouts = [[], [1], [2, 3, 4], [size >> 1], Array.from({ length: 9 }, (_, i) => Math.floor(((i + 1) * size) / 10))];
      // Every boundary position for small files.
      if (size < 64) for (let b = 1; b < size; b++) layouts.push([b], [b, b + 1]);
      for (const bounds of layouts) {
        const splits = splitsOf(path, size, bounds);
        expect(splits.flatMap((s) => [...readLines(s)]), `pull, bounds ${bounds}`).toEqual(want);
        expect(splits.flatMap(pushLines), `push, bounds ${bounds}`).toEqual(want);
      }
    });
  }

  it("counts records and bytes in the task metrics", () => {
    const path = join(dir, "metrics.txt");
    writeFileSync(path, "a\nbb\nccc\n");
    const metrics = { recordsRead: 0, bytesRead: 0 };
    const tc = { metrics } as unknown as Parameters<typeof readLines>[1];
    expect([...readLines({ path, start: 0, end: 9 }, tc)]).toEqual(["a", "bb", "ccc"]);
    expect(metrics).toEqual({ recordsRead: 3, bytesRead: 9 });
  });
});
