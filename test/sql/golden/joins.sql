-- Every join type, USING / NATURAL, null keys
CREATE OR REPLACE TEMP VIEW emp AS SELECT * FROM VALUES (1, 'ann', 10), (2, 'bo', 20), (3, 'cy', NULL), (4, 'di', 40) AS emp(id, name, dept);
CREATE OR REPLACE TEMP VIEW dept AS SELECT * FROM VALUES (10, 'eng'), (20, 'ops'), (30, 'hr'), (NULL, 'nil') AS dept(dept, dname);
SELECT e.name, d.dname FROM emp e JOIN dept d ON e.dept = d.dept;
SELECT e.name, d.dname FROM emp e LEFT JOIN dept d ON e.dept = d.dept;
SELECT e.name, d.dname FROM emp e RIGHT OUTER JOIN dept d ON e.dept = d.dept;
SELECT e.name, d.dname FROM emp e FULL OUTER JOIN dept d ON e.dept = d.dept;
SELECT * FROM emp LEFT SEMI JOIN dept ON emp.dept = dept.dept;
SELECT * FROM emp LEFT ANTI JOIN dept ON emp.dept = dept.dept;
SELECT * FROM emp JOIN dept USING (dept);
SELECT * FROM emp NATURAL JOIN dept;
SELECT count(*) FROM emp CROSS JOIN dept;
SELECT e.name, d.dname FROM emp e, dept d WHERE e.dept = d.dept AND d.dname <> 'ops';
SELECT e.name, d.dname FROM emp e JOIN dept d ON e.dept < d.dept ORDER BY e.name, d.dname;
SELECT e.name, d.dname FROM emp e FULL JOIN dept d ON e.dept <=> d.dept;
SELECT a.name, b.name FROM emp a JOIN emp b ON a.id + 1 = b.id;
SELECT dept FROM emp JOIN dept ON emp.dept = dept.dept;
