-- Projection, filtering, expressions, null handling
CREATE OR REPLACE TEMP VIEW t AS SELECT * FROM VALUES (1, 'a', 1.5), (2, 'b', NULL), (3, NULL, 3.25), (NULL, 'd', 0.0) AS t(id, name, score);
SELECT * FROM t;
SELECT id, name FROM t WHERE id > 1;
SELECT id + 1 AS next, upper(name), score * 2 FROM t ORDER BY id;
SELECT * FROM t WHERE name IS NULL OR score IS NULL;
SELECT id FROM t WHERE id IN (1, 3, NULL);
SELECT id FROM t WHERE id NOT IN (1, 3);
SELECT id, CASE WHEN score > 2 THEN 'high' WHEN score > 0 THEN 'low' ELSE 'none' END AS band FROM t ORDER BY id NULLS LAST;
SELECT CAST(id AS STRING) || '-' || coalesce(name, '?') AS label FROM t ORDER BY label;
SELECT id FROM t WHERE name LIKE '_' AND id BETWEEN 1 AND 2;
SELECT DISTINCT score IS NULL AS missing FROM t;
SELECT 1 / 0, 7 % 3, 7 div 2, -7 % 3, 2 * 3 + 1, NULL + 1, true AND NULL, false AND NULL, true OR NULL;
SELECT nosuch FROM t;
SELECT id FROM t LIMIT 2 OFFSET 1;
SELECT * FROM t ORDER BY score DESC NULLS FIRST, id;
