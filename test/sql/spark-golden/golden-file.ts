// Reading Spark's SQL golden files (sql-tests/results/*.sql.out, written by SQLQueryTestSuite):
// each case is "-- !query", the SQL, "-- !query schema", the schema, "-- !query output", the
// output. Spark splits on every "-- !query..." line and trims the pieces the same way.

export interface GoldenCase {
  sql: string;
  /** struct<...> of the result; struct<> for commands and errors. */
  schema: string;
  /** The output text: rows separated by newlines (columns by tabs), or an error. */
  output: string;
}

export interface ExpectedError {
  /** Java class of the exception, e.g. org.apache.spark.sql.AnalysisException. */
  exception: string;
  /** Spark's error class when the message is the JSON form, e.g. MISSING_GROUP_BY. */
  errorClass?: string;
}

export function parseGoldenFile(text: string): GoldenCase[] {
  const segments = text.split(/-- !query.*\n/);
  const cases: GoldenCase[] = [];
  for (let i = 0; i + 3 < segments.length + 1 && 3 * i + 3 < segments.length; i++) {
    cases.push({
      sql: segments[3 * i + 1]!.trim(),
      schema: segments[3 * i + 2]!.trim(),
      output: segments[3 * i + 3]!.replace(/\s+$/, ""),
    });
  }
  return cases;
}

/** The error Spark raised for this case, or undefined when it returned a result. */
export function expectedError(c: GoldenCase): ExpectedError | undefined {
  if (c.schema !== "struct<>" || c.output === "") return undefined;
  const [first, ...rest] = c.output.split("\n");
  const m = /"errorClass"\s*:\s*"([^"]+)"/.exec(rest.join("\n"));
  const bracket = /^\[([A-Z_.]+)\]/.exec(rest.join("\n"));
  return { exception: first!.trim(), errorClass: m?.[1] ?? bracket?.[1] };
}

/** Result rows of a successful case (an empty output is no rows). */
export function expectedRows(c: GoldenCase): string[] {
  return c.output === "" ? [] : c.output.split("\n");
}
