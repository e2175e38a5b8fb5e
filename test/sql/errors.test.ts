// Analysis errors carry Spark's condition names and message text, and typed error classes.
import { describe, it, expect } from "vitest";
import { SqlSession, F } from "../../engine/sql/index";
import { AnalysisError, ParseError } from "../../engine/common/errors";
import { localHost } from "./support/local-context";

function thrown(f: () => unknown): Error {
  try { f(); } catch (e) { return e as Error; }
  throw new Error("did not throw");
}

describe("analysis errors", () => {
  const s = new SqlSession(localHost());
  const df = s.createDataFrame([[1, "a", 2.0]], "amount int, name string, price double");
  df.createOrReplaceTempView("items");

  it("grouping by a select item that uses a lateral column alias is Spark's UNSUPPORTED_FEATURE", () => {
    s.createDataFrame([[1, 2]], "k int, v int").createOrReplaceTempView("lca_t");
    expect(() => s.sql("SELECT k AS lca, lca + 1 AS col FROM lca_t GROUP BY k, col")).toThrow(/LATERAL_COLUMN_ALIAS_IN_GROUP_BY/);
    expect(() => s.sql("SELECT k AS lca, lca + 1 AS col FROM lca_t GROUP BY all")).toThrow(/LATERAL_COLUMN_ALIAS_IN_GROUP_BY/);
    expect(() => s.sql("SELECT k AS lca, lca + 1 AS col, count(*) FROM lca_t GROUP BY k")).not.toThrow();
  });

  it("UNRESOLVED_COLUMN.WITH_SUGGESTION lists the closest names first", () => {
    const e = thrown(() => df.select("amont"));
    expect(e).toBeInstanceOf(AnalysisError);
    expect(e.message).toBe("[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name `amont` cannot be resolved. Did you mean one of the following? [`amount`, `name`, `price`].");
    expect((e as AnalysisError).condition).toBe("UNRESOLVED_COLUMN.WITH_SUGGESTION");
    expect(thrown(() => s.sql("SELECT prise FROM items")).message).toContain("Did you mean one of the following? [`items`.`price`, `items`.`name`, `items`.`amount`]");
  });

  it("DATATYPE_MISMATCH names the expression and the types", () => {
    expect(thrown(() => df.select(F.col("amount").plus(F.array(F.lit(1))))).message).toBe(
      '[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve "(amount + array(1))" due to data type mismatch: the left and right operands of the binary operator have incompatible types ("INT" and "ARRAY<INT>").',
    );
    expect(thrown(() => df.select(F.upper(F.array(F.lit(1))))).message).toBe(
      '[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "upper(array(1))" due to data type mismatch: The first parameter requires the "STRING" type, however "array(1)" has the type "ARRAY<INT>".',
    );
    expect(thrown(() => df.filter(F.col("amount"))).message).toContain("DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN");
    expect(thrown(() => s.sql("SELECT CAST(array(1) AS INT)")).message).toContain('cannot cast "ARRAY<INT>" to "INT"');
  });

  it("TABLE_OR_VIEW_NOT_FOUND, AMBIGUOUS_REFERENCE, UNRESOLVED_ROUTINE, WRONG_NUM_ARGS", () => {
    expect(thrown(() => s.sql("SELECT * FROM nope")).message).toMatch(/^\[TABLE_OR_VIEW_NOT_FOUND\] The table or view `nope` cannot be found\./);
    const other = s.createDataFrame([[1]], "amount int");
    expect(thrown(() => df.join(other, df.col("amount").eq(other.col("amount"))).select("amount")).message).toMatch(/^\[AMBIGUOUS_REFERENCE\] Reference `amount` is ambiguous/);
    expect(thrown(() => s.sql("SELECT foo(1)")).message).toMatch(/^\[UNRESOLVED_ROUTINE\] Cannot resolve routine `foo`/);
    expect(thrown(() => s.sql("SELECT lower('a', 'b')")).message).toMatch(/^\[WRONG_NUM_ARGS\.WITHOUT_SUGGESTION\] The `lower` requires 1 parameters but the actual number is 2/);
  });

  it("ORDER BY a name a join holds twice but the select list once sorts by the selected column (as Spark)", async () => {
    s.createDataFrame([["b", "x"], ["a", "y"]], "rider string, plan string").createOrReplaceTempView("riders_ob");
    s.createDataFrame([["a", 1], ["b", 2], ["a", 3]], "rider string, m int").createOrReplaceTempView("rides_ob");
    const agg = s.sql("SELECT r.rider, count(*) AS n FROM rides_ob r JOIN riders_ob p ON r.rider = p.rider GROUP BY r.rider ORDER BY rider DESC");
    expect((await agg.collect()).map((r) => [r.rider, Number(r.n)])).toEqual([["b", 1], ["a", 2]]);
    // Over an aggregate, the select list's alias wins over an input column of the same name.
    const byAlias = s.sql("SELECT rider, sum(m) AS m FROM rides_ob GROUP BY rider ORDER BY m DESC");
    expect((await byAlias.collect()).map((r) => [r.rider, Number(r.m)])).toEqual([["a", 4], ["b", 2]]);
    // Still ambiguous when the select list does not pick one of them.
    expect(thrown(() => s.sql("SELECT count(*) FROM rides_ob r JOIN riders_ob p ON r.rider = p.rider GROUP BY r.rider ORDER BY rider")).message).toMatch(/^\[AMBIGUOUS_REFERENCE\]/);
  });

  it("group-by errors", () => {
    expect(thrown(() => s.sql("SELECT name, count(*) FROM items")).message).toMatch(/^\[MISSING_GROUP_BY\]/);
    expect(thrown(() => s.sql("SELECT name FROM items GROUP BY amount")).message).toMatch(/^\[MISSING_AGGREGATION\] The non-aggregating expression "name"/);
    expect(thrown(() => s.sql("SELECT amount FROM items WHERE sum(amount) > 1")).message).toMatch(/^\[INVALID_WHERE_CONDITION\]/);
    expect(thrown(() => s.sql("SELECT sum(max(amount)) FROM items")).message).toMatch(/AGGREGATE|Aggregate functions are not allowed/);
  });

  it("parse errors come from the parser as ParseError", () => {
    const e = thrown(() => s.sql("SELECT FROM items"));
    expect(e).toBeInstanceOf(ParseError);
    expect(e.message).toContain("PARSE_SYNTAX_ERROR");
  });

  it("errors are raised at the DataFrame call, before any job (eager analysis)", () => {
    expect(() => df.groupBy("nosuch")).not.toThrow(); // GroupedData resolves at agg()
    expect(() => df.groupBy("nosuch").count()).toThrow(/UNRESOLVED_COLUMN/);
    expect(() => df.orderBy("nosuch")).toThrow(/UNRESOLVED_COLUMN/);
  });
});
