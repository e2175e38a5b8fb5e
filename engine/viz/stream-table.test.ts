// Streaming progress table from Spark-shaped progress records.
import { describe, expect, it } from "vitest";
import { LongType, StringType, StructField, StructType } from "../sql/types";
import { renderStreamTable, type StreamingQueryProgress } from "./stream-table";
import { MIME } from "./mime";
import { assertWellFormedXml, externalReferences } from "../../test/fixtures/viz/xml-check";

const progress: StreamingQueryProgress[] = [0, 1, 2].map((i) => ({
  id: "q1", runId: "r1", name: "counts", timestamp: `2026-11-25T11:00:0${i}.000Z`, batchId: i,
  numInputRows: 100 * (i + 1), inputRowsPerSecond: 50 * (i + 1), processedRowsPerSecond: 1234.5,
  durationMs: { triggerExecution: 80 + i, addBatch: 50 },
  eventTime: { watermark: `2026-11-25T10:5${i}:00.000Z` },
  stateOperators: [{ numRowsTotal: 7 + i, numRowsUpdated: 3, numRowsDroppedByWatermark: i === 2 ? 4 : 0 }],
}));

const schema = new StructType([StructField("word", StringType), StructField("count", LongType)]);

describe("renderStreamTable", () => {
  it("shows each batch with rates, state rows and watermark, plus the latest result", () => {
    const b = renderStreamTable({ name: "counts", id: "q1", status: "ACTIVE", outputMode: "complete", progress, schema, rows: [{ word: "a", count: 3 }, { word: "<b>", count: 1 }] });
    const plain = b[MIME.text] as string;
    const lines = plain.split("\n");
    expect(lines[0]).toBe('Streaming query "counts" [q1] ACTIVE, complete mode');
    expect(lines[1]).toMatch(/^Batch\s+Trigger time\s+Input rows\s+Input rows\/s\s+Processed rows\/s\s+State rows\s+Watermark\s+Duration$/);
    expect(lines[4]).toMatch(/^\s*2\s+2026-11-25 11:00:02\s+300\s+150\s+1,235\s+9 \(4 late dropped\)\s+2026-11-25 10:52:00\s+82 ms$/);
    expect(plain).toContain("Latest result:\n+----+-----+\n|word|count|\n+----+-----+\n|   a|    3|\n| <b>|    1|\n+----+-----+");
    const html = b[MIME.html] as string;
    assertWellFormedXml(html);
    expect(externalReferences(html)).toEqual([]);
    expect(html).toContain("&lt;b&gt;");
    const p = b[MIME.stream] as { batches: unknown[] };
    expect(p.batches).toHaveLength(3);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it("keeps the last N batches and copes with no batches", () => {
    const b = renderStreamTable({ progress }, { maxBatches: 2 });
    expect((b[MIME.text] as string).split("\n")).toHaveLength(4);
    expect(renderStreamTable({ progress: [] })[MIME.text]).toBe("Streaming query\nno batches yet");
  });
});
