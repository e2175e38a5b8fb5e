-- GROUP BY, HAVING, aggregates, DISTINCT aggregates, ordinals and aliases
CREATE OR REPLACE TEMP VIEW sales AS SELECT * FROM VALUES ('east', 'tv', 10), ('east', 'tv', 20), ('east', 'radio', NULL), ('west', 'tv', 5), ('west', 'radio', 7), (NULL, 'tv', 1) AS sales(region, product, amount);
SELECT region, sum(amount), count(*), count(amount), avg(amount) FROM sales GROUP BY region;
SELECT region, product, max(amount) AS m FROM sales GROUP BY 1, 2 ORDER BY region, product;
SELECT region, sum(amount) AS total FROM sales GROUP BY region HAVING sum(amount) > 10;
SELECT region, count(DISTINCT product) AS products FROM sales GROUP BY region ORDER BY products DESC, region;
SELECT count(*), sum(amount), min(amount), max(amount) FROM sales WHERE amount > 100;
SELECT product AS p, sum(amount) FROM sales GROUP BY p ORDER BY p;
SELECT region, amount FROM sales GROUP BY region;
SELECT sum(amount) + 1 AS s, count(*) * 2 AS c FROM sales;
SELECT region, collect_list(amount) FROM sales WHERE region = 'west' GROUP BY region;
SELECT region FROM sales GROUP BY region ORDER BY count(*) DESC, region;
SELECT region, sum(amount) FILTER (WHERE product = 'tv') AS tv FROM sales GROUP BY region ORDER BY region;
SELECT sum(count(*)) FROM sales;
SELECT region, product, sum(amount) AS s FROM sales GROUP BY ROLLUP(region, product) ORDER BY region, product;
SELECT region, product, count(*) AS n, grouping_id() AS g FROM sales GROUP BY CUBE(region, product) ORDER BY g, region, product;
SELECT region, sum(amount) AS s, grouping(region) AS gr FROM sales GROUP BY GROUPING SETS ((region), ()) ORDER BY gr, region;
SELECT product, sum(amount) FROM sales GROUP BY product WITH ROLLUP ORDER BY product;
