-- Window functions and frames
CREATE OR REPLACE TEMP VIEW s AS SELECT * FROM VALUES ('a', 1, 10), ('a', 2, 20), ('a', 3, 20), ('a', 4, NULL), ('b', 1, 5), ('b', 2, 15) AS s(k, t, v);
SELECT k, t, v, row_number() OVER (PARTITION BY k ORDER BY t) AS rn FROM s ORDER BY k, t;
SELECT k, t, rank() OVER w AS r, dense_rank() OVER w AS dr FROM s WINDOW w AS (PARTITION BY k ORDER BY v DESC) ORDER BY k, t;
SELECT k, t, sum(v) OVER (PARTITION BY k ORDER BY t) AS running FROM s ORDER BY k, t;
SELECT k, t, sum(v) OVER (PARTITION BY k ORDER BY t ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS moving FROM s ORDER BY k, t;
SELECT k, t, avg(v) OVER (PARTITION BY k) AS avg_k, count(*) OVER () AS n FROM s ORDER BY k, t;
SELECT k, t, lag(v, 1) OVER (PARTITION BY k ORDER BY t) AS prev, lead(v, 1, -1) OVER (PARTITION BY k ORDER BY t) AS next FROM s ORDER BY k, t;
SELECT k, t, first_value(v) OVER (PARTITION BY k ORDER BY t) AS f, last_value(v) OVER (PARTITION BY k ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS l FROM s ORDER BY k, t;
SELECT t, sum(t) OVER (ORDER BY t RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) AS r FROM s WHERE k = 'a' ORDER BY t;
SELECT k, sum(v) AS total, rank() OVER (ORDER BY sum(v) DESC) AS pos FROM s GROUP BY k ORDER BY pos;
SELECT k, ntile(2) OVER (PARTITION BY k ORDER BY t) AS bucket, percent_rank() OVER (PARTITION BY k ORDER BY t) AS pr, cume_dist() OVER (PARTITION BY k ORDER BY t) AS cd FROM s ORDER BY k, t;
SELECT row_number() OVER (PARTITION BY k) FROM s;
