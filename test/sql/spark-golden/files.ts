// Where Spark's golden files live (beside the repository, not in it) and which of them CI runs.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** ../shared/spark-sql-tests/golden relative to the repository root (SPARK_SQL_TESTS overrides the spark-sql-tests folder). */
export const GOLDEN_DIR = join(process.env.SPARK_SQL_TESTS ?? join(fileURLToPath(new URL("../../../", import.meta.url)), "..", "shared", "spark-sql-tests"), "golden");
export const RESULTS_DIR = join(GOLDEN_DIR, "results");
export const TEST_DATA_DIR = join(GOLDEN_DIR, "test-data");
export const goldenAvailable = (): boolean => existsSync(RESULTS_DIR);

/** The 30 core files of issue 19 (names relative to results/, without .sql.out). */
export const CORE_FILES = [
  "group-by", "having", "count", "group-analytics", "order-by-nulls-ordering", "limit",
  "inner-join", "outer-join", "natural-join", "using-join", "cross-join",
  "union", "except", "except-all", "intersect-all",
  "window", "cte",
  "subquery/in-subquery/in-basic", "subquery/in-subquery/simple-in", "subquery/in-subquery/in-group-by", "subquery/in-subquery/in-having",
  "subquery/exists-subquery/exists-basic", "subquery/exists-subquery/exists-aggregate",
  "subquery/scalar-subquery/scalar-subquery-select", "subquery/scalar-subquery/scalar-subquery-predicate",
  "null-handling", "predicate-functions", "string-functions", "cast", "pivot",
];

export const goldenPath = (name: string): string => join(RESULTS_DIR, `${name}.sql.out`);
