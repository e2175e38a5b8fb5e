-- Built-in functions: strings, math, dates, collections, casts
SELECT upper('abc'), lower('ABC'), length('héllo'), substring('hello', 2, 3), substring('hello', -3), trim('  x  '), lpad('5', 3, '0'), rpad('ab', 5, 'xy');
SELECT concat('a', 'b', NULL), concat_ws('-', 'a', NULL, 'b'), split('a,b,,c', ','), regexp_replace('a1b22c', '[0-9]+', '#'), regexp_extract('k=v; x=y', '(\\w+)=(\\w+)', 2), instr('hello', 'll'), initcap('hello big data'), reverse('abc');
SELECT round(2.5), round(-2.5), round(0.285, 2), bround(2.5), bround(3.5), ceil(1.2), floor(-1.2), abs(-3), sqrt(16), pow(2, 10), exp(0), ln(1), log10(1000), greatest(1, 5, 3), least(4, NULL, 2);
SELECT CAST('12' AS INT), CAST('1.9' AS INT), CAST('abc' AS INT), CAST(3.99 AS INT), CAST(1 AS BOOLEAN), CAST('true' AS BOOLEAN), CAST(12345678901 AS INT), CAST(1.5 AS STRING), CAST(1e10 AS STRING), CAST(0.0001 AS STRING);
SELECT to_date('2024-02-29'), date_add(DATE '2024-02-28', 2), datediff(DATE '2024-03-01', DATE '2024-02-01'), add_months(DATE '2024-01-31', 1), year(DATE '2024-05-06'), month(TIMESTAMP '2024-05-06 07:08:09'), hour(TIMESTAMP '2024-05-06 07:08:09'), date_format(TIMESTAMP '2024-05-06 07:08:09', 'yyyy-MM-dd HH:mm'), date_trunc('hour', TIMESTAMP '2024-05-06 07:08:09');
SELECT array(1, 2, 3), size(array(1, 2)), size(NULL), array_contains(array(1, 2), 2), element_at(array(1, 2, 3), -1), sort_array(array(3, 1, 2)), array_distinct(array(1, 1, 2)), map('a', 1, 'b', 2), struct(1 AS x, 'y' AS y), named_struct('p', 1);
SELECT coalesce(NULL, NULL, 3), nvl(NULL, 'd'), nullif(1, 1), nullif(1, 2), ifnull(NULL, 0), isnull(NULL), isnan(CAST('NaN' AS DOUBLE)), nanvl(CAST('NaN' AS DOUBLE), 0.0);
SELECT transform(array(1, 2, 3), x -> x * 10), filter(array(1, 2, 3, 4), x -> x % 2 = 0), exists(array(1, 2), x -> x > 1), aggregate(array(1, 2, 3), 0, (acc, x) -> acc + x);
SELECT explode(array(10, 20)) AS v;
SELECT posexplode(array('a', 'b'));
SELECT format_string('%s has %d items costing %.2f', 'cart', 3, 9.5), format_number(1234567.891, 2);
SELECT upper(1, 2);
SELECT nosuchfn(1);
SELECT 'a' + 1, 1 + array(1);
