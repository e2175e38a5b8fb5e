// Exactly-once recovery: the driver process is killed (SIGKILL) at each point of a batch's life -
// before/after writing offsets/N, mid-batch, before the sink, before/after writing commits/N - then
// restarted on the same checkpoint. The file sink's final content must equal the reference: every
// emitted window exactly once (no duplicates, no losses), all files logged in _spark_metadata.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHUNKS } from "./fixtures/crash-data";

const ROOT = new URL("../..", import.meta.url).pathname;
const SCRIPT = join(ROOT, "test/streaming/fixtures/crash-driver.ts");

function run(mode: "feed" | "resume", cp: string, out: string, crashAt?: string): { status: number | null; signal: NodeJS.Signals | null; stdout: string } {
  const env = { ...process.env };
  if (crashAt) env.BIGDATA_STREAMING_CRASH_AT = crashAt; else delete env.BIGDATA_STREAMING_CRASH_AT;
  const r = spawnSync(process.execPath, ["--import", "tsx", SCRIPT, mode, cp, out], { cwd: ROOT, env, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout };
}

/** Tumbling 5-minute windows, watermark 2 minutes behind the max event time: windows ended by then. */
function reference(): string[] {
  const events = CHUNKS.flat();
  const maxT = Math.max(...events.map(([, t]) => t));
  const wm = maxT - 120_000;
  const counts = new Map<string, number>();
  for (const [k, t] of events) {
    const s = t - (t % 300_000);
    if (s + 300_000 <= wm) counts.set(`${s}|${k}`, (counts.get(`${s}|${k}`) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => `${key}|${n}`).sort();
}

function sinkContent(out: string): { rows: string[]; files: string[]; logged: string[] } {
  const files = readdirSync(out).filter((n) => n.startsWith("part-")).sort();
  const rows = files.flatMap((f) => readFileSync(join(out, f), "utf8").split("\n").filter((l) => l.trim()).map((l) => {
    const r = JSON.parse(l) as { window: { start: string }; k: string; count: number };
    return `${Date.parse(r.window.start)}|${r.k}|${r.count}`;
  }));
  const metaDir = join(out, "_spark_metadata");
  const logged = existsSync(metaDir) ? readdirSync(metaDir).filter((n) => /^\d+$/.test(n)).flatMap((n) =>
    readFileSync(join(metaDir, n), "utf8").split("\n").slice(1).filter((l) => l.trim()).map((l) => (JSON.parse(l) as { path: string }).path.split("/").pop()!)) : [];
  return { rows: rows.sort(), files, logged: logged.sort() };
}

const POINTS = ["beforeOffsets:2", "afterOffsets:2", "midBatch:2", "beforeSink:3", "beforeCommit:3", "afterCommit:3", "midBatch:0", "beforeCommit:7"];

describe("exactly-once recovery after killing the driver", () => {
  const expected = reference();
  it("the reference has output to check", () => expect(expected.length).toBeGreaterThan(3));
  for (const point of POINTS) {
    it(`killed at ${point}, restarted: the sink holds every window exactly once`, () => {
      const cp = mkdtempSync(join(tmpdir(), "crash-cp-")), out = mkdtempSync(join(tmpdir(), "crash-out-"));
      const first = run("feed", cp, out, point);
      expect(first.signal).toBe("SIGKILL");
      const second = run("resume", cp, out);
      expect(second.status).toBe(0);
      const sink = sinkContent(out);
      expect(sink.rows).toEqual(expected);
      expect(sink.logged).toEqual(sink.files);
      // The restarted query says what it restored and what it replays.
      const [at, batch] = point.split(":") as [string, string];
      const b = Number(batch);
      if (at === "afterOffsets" || at === "midBatch" || at === "beforeSink" || at === "beforeCommit") {
        expect(second.stdout).toContain(`Batch ${b} was planned (offsets logged) but not committed: it runs again with the same offsets`);
        expect(second.stdout).toMatch(/MemoryStream\[k,ts\]: replaying offsets (\(start\)|\d+) -> \d+/);
      } else {
        expect(second.stdout).not.toContain("was planned (offsets logged) but not committed");
      }
      if (at === "afterCommit") expect(second.stdout).toContain(`batch ${b} was the last committed`);
      if (b > 0 || at === "afterCommit") expect(second.stdout).toMatch(/^Restarted from checkpoint /);
      // Every logged batch committed.
      expect(readdirSync(join(cp, "commits")).sort()).toEqual(readdirSync(join(cp, "offsets")).sort());
    }, 240_000);
  }
});
