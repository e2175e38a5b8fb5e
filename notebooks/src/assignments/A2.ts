// Assignment A2 (Spark), the instructor notebook: a DataFrame analysis, the same question in SQL,
// a question about the physical plan, and PageRank with RDD joins. `npx tsx
// notebooks/src/assignments/A2.ts` regenerates notebooks/assignments/A2-spark.ipynb.

import { fileURLToPath } from "node:url";
import { buildNotebook, code, emit, md } from "../notebook-builder";
import { beforeYouSubmit, locked, solution, tests } from "../assignment-cells";

export const A2 = buildNotebook("a2", [
  md`
    # A2: Spark (10 points)

    | question | topic | points |
    |---|---|---|
    | q1 | a DataFrame analysis with the DataFrame API | 3 |
    | q2 | the same data with Spark SQL | 2 |
    | q3 | reading a physical plan | 2 |
    | q4 | PageRank with RDD joins | 3 |

    Write your code where a cell says \`TODO\`; the test cell under it runs \`check("qN")\` with the
    **public** tests. The grader also runs hidden tests. Do not edit the setup or test cells.
  `,
  locked("a2-setup", code`
    import { F, pageRank } from "bigdata-workbench";

    // Rides of a bike-sharing service and its riders (the same data every time).
    let seed = 11;
    const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const cities = ["Basel", "Bern", "Geneva", "Zurich"];
    const rideRows = Array.from({ length: 600 }, (_, i) => ({
      ride: i,
      rider: "r" + Math.floor(rand() * 40),
      city: cities[Math.floor(rand() * cities.length)],
      minutes: 3 + Math.floor(rand() * 40),
      fare: Math.round((1 + rand() * 9) * 100) / 100,
    }));
    const riderRows = Array.from({ length: 40 }, (_, i) => ({ rider: "r" + i, plan: i % 3 === 0 ? "pro" : "basic", age: 18 + ((i * 7) % 50) }));
    const rides = spark.createDataFrame(rideRows);
    const riders = spark.createDataFrame(riderRows);
    rides.createOrReplaceTempView("rides");
    riders.createOrReplaceTempView("riders");
    // A small web graph: every page has links in and out.
    const links: Array<[string, string]> = [["a", "b"], ["a", "c"], ["b", "c"], ["c", "a"], ["d", "c"], ["d", "a"], ["e", "d"], ["c", "e"], ["b", "e"], ["e", "a"]];
    await rides.show(5);
  `),
  md`
    ## q1: revenue per city (3 points)

    With the **DataFrame API** (no SQL), write \`revenueByCity()\`: a DataFrame with one row per city
    and the columns \`city\`, \`rides\` (the number of rides), \`revenue\` (the sum of \`fare\`, rounded
    to 2 decimals) and \`avg_minutes\` (the average of \`minutes\`, rounded to 1 decimal), ordered by
    \`revenue\`, highest first.
  `,
  solution("q1-answer", code`
    function revenueByCity() {
      // BEGIN SOLUTION: groupBy, agg with F.count / F.sum / F.avg and F.round, then orderBy
      return rides.groupBy("city")
        .agg(F.count("*").alias("rides"), F.round(F.sum("fare"), 2).alias("revenue"), F.round(F.avg("minutes"), 1).alias("avg_minutes"))
        .orderBy(F.col("revenue").desc());
      // END SOLUTION
    }
    await revenueByCity().show()
  `),
  tests("q1", 3, code`
    const q1Reference = cities.map((city) => {
      const rs = rideRows.filter((r) => r.city === city);
      return { city, rides: rs.length, revenue: Math.round(rs.reduce((a, r) => a + r.fare, 0) * 100) / 100,
        avg_minutes: Math.round((rs.reduce((a, r) => a + r.minutes, 0) / rs.length) * 10) / 10 };
    }).sort((a, b) => b.revenue - a.revenue);
    test("q1", "the columns", () => expect(revenueByCity().columns).toEqual(["city", "rides", "revenue", "avg_minutes"]));
    test("q1", "the rows, highest revenue first", async () => {
      const got = (await revenueByCity().collect()).map((r: any) => ({ city: r.city, rides: Number(r.rides), revenue: r.revenue, avg_minutes: r.avg_minutes }));
      expect(got.map((r) => r.city), "order by revenue, descending").toEqual(q1Reference.map((r) => r.city));
      for (let i = 0; i < got.length; i++) {
        expect(got[i].rides, got[i].city + ": rides").toBe(q1Reference[i].rides);
        expect(got[i].revenue, got[i].city + ": revenue").toBeCloseTo(q1Reference[i].revenue, 2);
      }
    }, { points: 2 });
    // BEGIN HIDDEN TESTS
    test("q1", "average minutes rounded to one decimal", async () => {
      const got = new Map((await revenueByCity().collect()).map((r: any) => [r.city, r.avg_minutes]));
      for (const r of q1Reference) expect(got.get(r.city), r.city).toBeCloseTo(r.avg_minutes, 6);
    });
    // END HIDDEN TESTS
    check("q1")
  `),
  md`
    ## q2: frequent riders in SQL (2 points)

    With **\`spark.sql\`** over the views \`rides\` and \`riders\`, write \`frequentRiders(minRides)\`: the riders
    with at least \`minRides\` rides, with the columns \`rider\`, \`plan\`, \`rides\` and \`minutes\` (their
    total minutes), ordered by \`minutes\` descending, then \`rider\`.
  `,
  solution("q2-answer", code`
    function frequentRiders(minRides: number) {
      // BEGIN SOLUTION: a join, GROUP BY, HAVING and ORDER BY
      return spark.sql(\`
        SELECT r.rider, p.plan, COUNT(*) AS rides, SUM(r.minutes) AS minutes
        FROM rides r JOIN riders p ON r.rider = p.rider
        GROUP BY r.rider, p.plan
        HAVING COUNT(*) >= \${minRides}
        ORDER BY minutes DESC, rider\`);
      // END SOLUTION
    }
    await frequentRiders(20).show()
  `),
  tests("q2", 2, code`
    const q2Reference = (min: number) => {
      const plan = new Map(riderRows.map((r) => [r.rider, r.plan]));
      const agg = new Map<string, { rides: number; minutes: number }>();
      for (const r of rideRows) { const a = agg.get(r.rider) ?? { rides: 0, minutes: 0 }; a.rides++; a.minutes += r.minutes; agg.set(r.rider, a); }
      return [...agg].filter(([, a]) => a.rides >= min).map(([rider, a]) => ({ rider, plan: plan.get(rider), rides: a.rides, minutes: a.minutes }))
        .sort((x, y) => y.minutes - x.minutes || (x.rider < y.rider ? -1 : 1));
    };
    const q2Rows = async (min: number) => (await frequentRiders(min).collect()).map((r: any) => ({ rider: r.rider, plan: r.plan, rides: Number(r.rides), minutes: Number(r.minutes) }));
    test("q2", "riders with at least 20 rides", async () => expect(await q2Rows(20)).toEqual(q2Reference(20)));
    // BEGIN HIDDEN TESTS
    test("q2", "another threshold", async () => expect(await q2Rows(14)).toEqual(q2Reference(14)));
    // END HIDDEN TESTS
    check("q2")
  `),
  md`
    ## q3: read the plan (2 points)

    Look at the physical plan of this query (run the cell). Then answer in the next cell:
    which **join operator** did Spark choose (its name as \`explain\` prints it), and is the filter on
    \`plan\` applied **before** the join (on the riders' side) or after it?
  `,
  code`
    const proRides = rides.join(riders, "rider").filter(F.col("plan").eq("pro"));
    proRides.explain();
  `,
  solution("q3-answer", code`
    // BEGIN SOLUTION: the operator's name as explain prints it, and true or false
    // STUB: const joinOperator: string = "";
    // STUB: const filterBeforeJoin: boolean | undefined = undefined;
    const joinOperator: string = "BroadcastHashJoin";
    const filterBeforeJoin: boolean | undefined = true;
    // END SOLUTION
  `),
  tests("q3", 2, code`
    const q3Plan = proRides.explainString();
    test("q3", "the join operator", () => expect(q3Plan.includes(joinOperator) && /Join$/.test(joinOperator), "copy the operator's name from the plan").toBe(true));
    // BEGIN HIDDEN TESTS
    test("q3", "where the filter runs", () => {
      const lines = q3Plan.split("\n");
      const filterLine = lines.findIndex((l) => l.includes("plan") && l.includes("Filter"));
      const joinLine = lines.findIndex((l) => l.includes("Join"));
      expect(filterBeforeJoin).toBe(filterLine > joinLine);
    });
    // END HIDDEN TESTS
    check("q3")
  `),
  md`
    ## q4: PageRank with RDD joins (3 points)

    Write \`myPageRank(edges, beta, iterations)\` with the RDD API as in lecture 9: build \`links\`
    (page → its out-links, \`groupByKey\`, partitioned and cached), start every page at 1/N, and in
    each iteration join \`links\` with \`ranks\`, send each page's rank divided by its out-degree to the
    pages it links to, sum the contributions per page (\`reduceByKey\`) and apply the teleport:
    $r' = (1-\beta)/N + \beta \cdot \text{contributions}$. Return a \`Map\` from page to rank.
  `,
  solution("q4-answer", code`
    async function myPageRank(edges: Array<[string, string]>, beta: number, iterations: number): Promise<Map<string, number>> {
      // BEGIN SOLUTION: links.join(ranks) -> contributions -> reduceByKey -> teleport, repeated
      const N = new Set(edges.flat()).size;
      const linksRDD = sc.parallelize(edges, 2).groupByKey(2).cache();
      let ranks = linksRDD.mapValues(() => 1 / N);
      for (let i = 0; i < iterations; i++) {
        const contribs = linksRDD.join(ranks).flatMap(([, [dsts, r]]) => {
          const out = [...dsts];
          return out.map((d) => [d, r / out.length] as [string, number]);
        });
        ranks = contribs.reduceByKey((a: number, b: number) => a + b, 2).mapValues((c: number) => (1 - beta) / N + beta * c);
      }
      return new Map(await ranks.collect());
      // END SOLUTION
    }
    const myRanks = await myPageRank(links, 0.85, 10);
    myRanks
  `),
  tests("q4", 3, code`
    const q4Reference = (beta: number, n: number) => pageRank(links, { beta, maxIter: n, tol: 0 }).ranks;
    test("q4", "10 iterations with beta = 0.85", async () => {
      const got = await myPageRank(links, 0.85, 10);
      for (const [page, r] of q4Reference(0.85, 10)) expect(got.get(String(page)), "rank of " + page).toBeCloseTo(r, 9);
    }, { points: 2 });
    // BEGIN HIDDEN TESTS
    test("q4", "the lecture's beta = 0.8, 25 iterations", async () => {
      const got = await myPageRank(links, 0.8, 25);
      for (const [page, r] of q4Reference(0.8, 25)) expect(got.get(String(page)), "rank of " + page).toBeCloseTo(r, 9);
    });
    // END HIDDEN TESTS
    check("q4")
  `),
  beforeYouSubmit(),
]);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await emit(fileURLToPath(new URL("../../assignments/A2-spark.ipynb", import.meta.url)), A2);
}
