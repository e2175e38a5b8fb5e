// Delta Lake statements: DELETE, UPDATE, MERGE INTO and table utilities.

import { describe, expect, it } from "vitest";
import { parseStatement } from "../index";
import { parseErrorOf, ps } from "./helpers";

describe("Delta DML", () => {
  it.each([
    ["DELETE FROM t", "(delete (table t))"],
    ["DELETE FROM t AS x WHERE x.a > 1", "(delete (table t as x) (where (> x.a 1)))"],
    ["DELETE FROM delta.`/tmp/d` WHERE id IN (SELECT id FROM gone)",
      "(delete (file delta '/tmp/d') (where (in id (select (id) (from (table gone))))))"],
    ["UPDATE t SET a = 1", "(update (table t) (set (= a 1)))"],
    ["UPDATE db.t u SET a = a + 1, s.b = 'x' WHERE u.id = 3",
      "(update (table db.t as u) (set (= a (+ a 1)) (= s.b 'x')) (where (= u.id 3)))"],
    ["MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *",
      "(merge (table t) (using (table s)) (on (= t.id s.id)) (when_matched (update *)) (when_notMatched (insert *)))"],
    [`MERGE INTO people AS p
      USING (SELECT * FROM updates) AS u
      ON p.id = u.id
      WHEN MATCHED AND u.deleted THEN DELETE
      WHEN MATCHED THEN UPDATE SET p.name = u.name, age = u.age
      WHEN NOT MATCHED BY TARGET AND NOT u.deleted THEN INSERT (id, name) VALUES (u.id, u.name)
      WHEN NOT MATCHED BY SOURCE THEN DELETE`,
      "(merge (table people as p) (using (subquery (select (*) (from (table updates))) as u)) (on (= p.id u.id))" +
      " (when_matched (and u.deleted) (delete)) (when_matched (update (= p.name u.name) (= age u.age)))" +
      " (when_notMatched (and (not u.deleted)) (insert (id name) (u.id u.name))) (when_notMatchedBySource (delete)))"],
    ["DESCRIBE HISTORY t", "(describe_history (table t))"],
    ["DESC HISTORY delta.`/tmp/d` LIMIT 5", "(describe_history (file delta '/tmp/d') (limit 5))"],
    ["DESCRIBE history", "(describe_table history)"],
    ["VACUUM t", "(vacuum (table t))"],
    ["VACUUM delta.`/d` RETAIN 168 HOURS DRY RUN", "(vacuum (file delta '/d') (retain_hours 168) dry_run)"],
    ["RESTORE TABLE t TO VERSION AS OF 2", "(restore (table t) (version_as_of 2))"],
    ["RESTORE t TIMESTAMP AS OF '2024-01-01'", "(restore (table t) (timestamp_as_of '2024-01-01'))"],
    ["OPTIMIZE t", "(optimize (table t))"],
    ["OPTIMIZE t WHERE d > '2024' ZORDER BY (a, b)", "(optimize (table t) (where (> d '2024')) (zorder_by a b))"],
  ])("%s", (text, expected) => {
    expect(ps(text)).toBe(expected);
  });

  it("reports a MERGE without WHEN clauses and a bad action", () => {
    expect(parseErrorOf(() => parseStatement("MERGE INTO t USING s ON a = b")).message.split(" (line ")[0]).toBe(
      "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input.");
    const e = parseErrorOf(() => parseStatement("MERGE INTO t USING s ON a = b WHEN NOT MATCHED THEN DELETE"));
    expect(e.message.split(" (line ")[0]).toBe("[PARSE_SYNTAX_ERROR] Syntax error at or near 'DELETE'.");
    expect(e.context).toMatchObject({ line: 1, column: 53 });
  });
});
