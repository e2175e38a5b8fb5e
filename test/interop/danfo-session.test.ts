// danfojs interop through the public API: spark.createDataFrame(danfoDf) and df.toDanfo().
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SparkSession } from "../../engine/index";

let spark: SparkSession;
beforeAll(async () => { spark = await SparkSession.builder().master("local[1]").getOrCreate(); });
afterAll(async () => spark?.stop());

describe("danfojs interop", () => {
  it("round-trips a danfo DataFrame through the cluster", async () => {
    const dfd = await import("danfojs-node");
    const pdf = new dfd.DataFrame({ city: ["Oslo", "Lima", "Pune"], temp: [3.5, 19.25, 31], rainy: [true, false, true] });
    const df = spark.createDataFrame(pdf as unknown as object);
    expect(df.columns).toEqual(["city", "temp", "rainy"]);
    const warm = df.filter("temp > 10").orderBy("city");
    expect(await warm.collect()).toEqual([{ city: "Lima", temp: 19.25, rainy: false }, { city: "Pune", temp: 31, rainy: true }]);
    const back = (await warm.toDanfo()) as { columns: string[]; values: unknown[][] };
    expect(back.columns).toEqual(["city", "temp", "rainy"]);
    expect(back.values).toEqual([["Lima", 19.25, false], ["Pune", 31, true]]);
  });
});
