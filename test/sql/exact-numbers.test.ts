// 64-bit integers are exact (bigint beyond 2^53) with Spark's range checks and Java's wrapping;
// the sign of a literal is folded only when it stays in range.
import { describe, expect, it } from "vitest";
import { SqlSession } from "../../engine/sql/index";
import { localHost } from "./support/local-context";

const show = (rows: unknown) => JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));

describe("exact 64-bit integers", () => {
  const s = new SqlSession(localHost());
  const ansi = new SqlSession(localHost({ "spark.sql.ansi.enabled": "true" }));
  const one = async (sess: SqlSession, q: string) => show(await sess.sql(q).collect());
  const fails = (sess: SqlSession, q: string) => sess.sql(q).collect().then(() => "no error", (e: Error) => e.message);

  it("CAST from string checks the range exactly (NULL, or CAST_INVALID_INPUT under ANSI)", async () => {
    expect(await one(s, "SELECT CAST('9223372036854775808' AS BIGINT) AS x")).toBe('[{"x":null}]');
    expect(await one(s, "SELECT CAST('9223372036854775807' AS BIGINT) AS x")).toBe('[{"x":"9223372036854775807n"}]');
    expect(await one(s, "SELECT CAST('-9223372036854775808' AS BIGINT) AS x")).toBe('[{"x":"-9223372036854775808n"}]');
    expect(await one(s, "SELECT CAST('9007199254740993' AS BIGINT) AS x")).toBe('[{"x":"9007199254740993n"}]');
    expect(await one(s, "SELECT CAST('2147483648' AS INT) AS x, CAST(' 12.9 ' AS INT) AS y")).toBe('[{"x":null,"y":12}]');
    expect(await fails(ansi, "SELECT CAST('9223372036854775808' AS BIGINT) AS x")).toContain("[CAST_INVALID_INPUT]");
  });

  it("a bigint sum that overflows wraps like Java's long (Spark without ANSI)", async () => {
    expect(await one(s, "SELECT sum(x) AS s FROM VALUES (9223372036854775807L), (1L) AS t(x)")).toBe('[{"s":"-9223372036854775808n"}]');
    expect(await one(s, "SELECT sum(x) AS s FROM VALUES (9007199254740992L), (1L), (1L) AS t(x)")).toBe('[{"s":"9007199254740994n"}]');
    expect(await one(s, "SELECT 9223372036854775807L + 1L AS x")).toBe('[{"x":"-9223372036854775808n"}]');
    expect(await fails(ansi, "SELECT 9223372036854775807L + 1L AS x")).toContain("[ARITHMETIC_OVERFLOW]");
    expect(await fails(ansi, "SELECT sum(x) AS s FROM VALUES (9223372036854775807L), (1L) AS t(x)")).toContain("[ARITHMETIC_OVERFLOW]");
    expect(await one(ansi, "SELECT sum(x) AS s FROM VALUES (9223372036854775806L), (1L) AS t(x)")).toBe('[{"s":"9223372036854775807n"}]');
  });

  it("-(-2147483648) is an int overflow: it wraps, or raises ARITHMETIC_OVERFLOW under ANSI", async () => {
    expect(await one(s, "SELECT -(-2147483648) AS x")).toBe('[{"x":-2147483648}]');
    expect(s.sql("SELECT -(-2147483648) AS x").schema.simpleString()).toBe("struct<x:int>");
    expect(await one(s, "SELECT -(-9223372036854775808) AS x")).toBe('[{"x":"-9223372036854775808n"}]');
    expect(await one(s, "SELECT -(-5) AS x, -2147483648 AS y")).toBe('[{"x":5,"y":-2147483648}]');
    expect(await fails(ansi, "SELECT -(-2147483648) AS x")).toContain("[ARITHMETIC_OVERFLOW]");
  });

  it("doubles narrow to bigint exactly and saturate at the ends", async () => {
    expect(await one(s, "SELECT CAST(1e19 AS BIGINT) AS a, CAST(-1e19 AS BIGINT) AS b, CAST(9007199254740994.0D AS BIGINT) AS c"))
      .toBe('[{"a":"9223372036854775807n","b":"-9223372036854775808n","c":"9007199254740994n"}]');
  });

  it("whole decimals beyond 2^53 are exact (bigint): literals, casts, arithmetic, sum, min/max", async () => {
    expect(await one(s, "SELECT 92233720368547758070 AS x")).toBe('[{"x":"92233720368547758070n"}]');
    expect(s.sql("SELECT 92233720368547758070 AS x").schema.simpleString()).toBe("struct<x:decimal(20,0)>");
    expect(await one(s, "SELECT CAST('92233720368547758070' AS DECIMAL(20,0)) AS x")).toBe('[{"x":"92233720368547758070n"}]');
    expect(await one(s, "SELECT CAST('92233720368547758070.5' AS DECIMAL(20,0)) AS x, CAST('-2.5' AS DECIMAL(5,0)) AS y, CAST('12.4' AS DECIMAL(5,0)) AS z"))
      .toBe('[{"x":"92233720368547758071n","y":-3,"z":12}]');
    expect(await one(s, "SELECT CAST('123456789012345678901' AS DECIMAL(20,0)) AS x")).toBe('[{"x":null}]');
    expect(await one(s, "SELECT 92233720368547758070 + 1 AS x, CAST(9223372036854775807L AS DECIMAL(20,0)) * 10 AS y"))
      .toBe('[{"x":"92233720368547758071n","y":"92233720368547758070n"}]');
    expect(await one(s, "SELECT sum(x) AS s, max(x) AS mx, CAST(min(x) AS STRING) AS mn FROM VALUES (92233720368547758070), (1) AS t(x)"))
      .toBe('[{"s":"92233720368547758071n","mx":"92233720368547758070n","mn":"1"}]');
  });
});

