// Lineage renderer on Spark-format toDebugString text.
import { describe, expect, it } from "vitest";
import { parseLineage, renderLineage } from "./lineage";
import { MIME } from "./mime";
import { assertWellFormedXml, externalReferences } from "../../test/fixtures/viz/xml-check";

const debug = [
  "(2) ShuffledRDD[4] at reduceByKey at <cell 3>:1 []",
  " +-(2) MapPartitionsRDD[3] at map at <cell 2>:5 [Memory Deserialized 1x Replicated]",
  " |       CachedPartitions: 2; MemorySize: 1.2 KiB; DiskSize: 0.0 B",
  " |  words MapPartitionsRDD[2] at flatMap at <cell 2>:4 []",
  " |  ParallelCollectionRDD[1] at parallelize at <cell 1>:2 []",
].join("\n");

describe("renderLineage", () => {
  it("parses RDD lines, shuffle boundaries and storage", () => {
    const l = parseLineage(debug);
    expect(l.map((x) => x.rddId)).toEqual([4, 3, undefined, 2, 1]);
    expect(l.map((x) => x.shuffleBoundary)).toEqual([false, true, false, false, false]);
    expect(l[0]).toMatchObject({ numPartitions: 2, name: "ShuffledRDD", callSite: "reduceByKey at <cell 3>:1", storage: "", depth: 0 });
    expect(l[1]).toMatchObject({ depth: 1, storage: "Memory Deserialized 1x Replicated" });
    expect(l[2]!.detail).toBe(true);
    expect(l[3]).toMatchObject({ userName: "words", name: "MapPartitionsRDD", rddId: 2, callSite: "flatMap at <cell 2>:4" });
    expect(l[0]!.userName).toBeUndefined();
  });

  it("renders text unchanged and escaped HTML", () => {
    const b = renderLineage(debug, { title: "rdd 4" });
    expect(b[MIME.text]).toBe(debug);
    const html = b[MIME.html] as string;
    assertWellFormedXml(html);
    expect(externalReferences(html)).toEqual([]);
    expect(html).toContain("&lt;cell 3&gt;");
    expect(html).toContain("class=\"bdw-cached\"");
    expect(html.match(/data-rdd="/g)).toHaveLength(4);
  });
});
