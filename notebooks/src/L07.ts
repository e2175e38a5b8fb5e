// Source of notebooks/L07-spark-sql-and-ml.ipynb (lecture 7, "Spark basics II"): Spark's pros,
// RDD vs DataFrame for the same query (timed, plans compared), Catalyst's four phases (the
// generated aggregation loop in explain("codegen")), and
// machine learning: imputation, one-hot encoding, a classifier, the confusion matrix with
// sensitivity and specificity, a pipeline with cross-validation. Run `npx tsx notebooks/src/L07.ts`
// to regenerate; `--check` verifies it.

import { fileURLToPath } from "node:url";
import { buildNotebook, code, embeddedOnly, emit, md } from "./notebook-builder";

export const L07 = buildNotebook("l07", [
  md`
    # Lecture 7 — Spark basics II: DataFrames, Catalyst and machine learning

    The same small real cluster as in lecture 6: \`spark\` and \`sc\` talk to worker processes on
    this machine. This time we work with **DataFrames** (rows with a schema) and with Spark's
    machine-learning library, **MLlib** (\`pyspark.ml\`): every \`fit\` below runs as jobs on the
    workers, never by collecting the data into the notebook.

    Run the cells in order. Cells marked **Your turn** have a \`TODO\` and a check.
  `,
  code`
    import { F, viz } from "bigdata-workbench";
    import { Imputer, StringIndexer, OneHotEncoder, VectorAssembler, StandardScaler, Pipeline } from "bigdata-workbench";
    import { LogisticRegression, BinaryClassificationEvaluator, ConfusionMatrix, ParamGridBuilder, CrossValidator } from "bigdata-workbench";

    function check(what: string, answer: unknown, expected: unknown, tolerance = 0): void {
      const same = typeof answer === "number" && typeof expected === "number"
        ? Math.abs(answer - expected) <= tolerance : JSON.stringify(answer) === JSON.stringify(expected);
      if (answer === undefined) console.log(\`… \${what}: not answered yet (replace the TODO)\`);
      else if (same) console.log(\`✔ \${what}: correct\`);
      else console.log(\`✘ \${what}: \${JSON.stringify(answer)} is not right yet, try again\`);
    }
  `,
  md`
    ## Why Spark

    * **Speed**: in-memory processing, whole stages pipelined in one task.
    * **Ease of use**: the same query in SQL, in the DataFrame API or on RDDs.
    * **Modularity and a unified stack**: SQL, streaming, ML and graphs on one engine and one cluster.
    * **Extensibility**: new data sources, functions and ML stages plug into the same engine.
    * **Schemas**: a DataFrame knows its columns and types, so Spark can optimise the query.

    ## RDD vs DataFrame: *how* vs *what*

    With an **RDD** we tell Spark **how** to compute: our functions are opaque, Spark cannot see
    inside them. With a **DataFrame** we say **what** we want with high-level operators; Spark can
    read the query, understand it and rearrange it before running it.

    The same question both ways: the average age per city of the people older than 30.
  `,
  code`
    const cities = ["Zurich", "Geneva", "Basel", "Bern", "Lausanne"];
    const people = Array.from({ length: 100_000 }, (_, i) => ({ id: i, city: cities[(i * 7) % 5], age: 18 + ((i * 37) % 60) }));
    const peopleDF = spark.createDataFrame(people, "id int, city string, age int").repartition(4).cache();
    await peopleDF.count();   // fill the cache first, so we time the query only

    let t0 = performance.now();
    const byCity = peopleDF.filter(F.col("age").gt(30)).groupBy("city").agg(F.avg("age").alias("avg_age"));
    const viaDf = await byCity.collect();
    const dfMs = performance.now() - t0;
    console.log(\`DataFrame: \${dfMs.toFixed(0)} ms\`);
  `,
  md`
    The same question as an RDD program: we write the grouping and the averaging ourselves.
  `,
  embeddedOnly(code`
    const peopleRDD = peopleDF.rdd.cache();
    await peopleRDD.count();

    t0 = performance.now();
    const viaRdd = await peopleRDD
      .filter((p) => (p.age as number) > 30)
      .map((p): [string, [number, number]] => [p.city as string, [p.age as number, 1]])
      .reduceByKey((a, b): [number, number] => [a[0] + b[0], a[1] + b[1]])
      .mapValues(([sum, n]) => sum / n)
      .collect();
    const rddMs = performance.now() - t0;

    const rddMap = Object.fromEntries(viaRdd);
    console.log(\`RDD: \${rddMs.toFixed(0)} ms, DataFrame: \${dfMs.toFixed(0)} ms\`);
    console.log("same answers:", viaDf.every((r) => Math.abs((r.avg_age as number) - rddMap[r.city as string]) < 1e-9));
  `),
  md`
    (Timings on a shared laptop-sized machine vary; what matters is that both run as jobs on the
    workers.) Compare what Spark knows about each. The RDD's lineage is a chain of black boxes:
  `,
  embeddedOnly(code`
    console.log(peopleRDD.filter((p) => (p.age as number) > 30).map((p) => p.city).toDebugString());
  `),
  md`
    ## Catalyst: the four phases

    A DataFrame query goes through Catalyst:

    1. **Analysis**: resolve column names and types against the catalog (\`age\` is an \`int\` of \`peopleDF\`).
    2. **Logical optimisation**: rewrite rules, e.g. push filters down, prune unused columns, fold constants.
    3. **Physical planning**: choose operators (hash aggregate with a partial and a final step around an exchange).
    4. **Code generation**: compile expressions into code that runs in the tasks (here: JavaScript
       closures compiled once per task, instead of Java bytecode).

    \`explain("extended")\` prints the plan after each phase:
  `,
  code`
    byCity.explain("extended");
  `,
  md`
    The physical plan as a graph, with the rows that went through each operator in the run above:
  `,
  embeddedOnly(code`
    await byCity.collect();
    viz.renderPlanGraph(spark.lastQueryExecution()!.planGraph())
  `),
  md`
    ### Code generation you can read

    Spark's whole-stage code generation fuses a stage's operators into one generated Java function,
    and \`explain("codegen")\` prints it. The workbench generates JavaScript where it pays most: a
    partial aggregate over column batches (a cached or Parquet table) grouped by one number key,
    with sum / avg / count / min / max. The loop below is written for exactly these aggregates,
    compiled once per executor thread (\`new Function\`), and reads each row's key and values once,
    updating every aggregate's buffers in place. Note the check before a sum of integers is
    written: past 2^53 the loop stops and the row path takes over with exact big integers.

    The second query joins the orders with a small stores table first. Spark fuses a broadcast hash
    join into the aggregate's generated code, and so does the workbench: the probe moves into the
    same loop (\`probe[i]\` finds the store's row \`r\`, and the store's columns are read at \`r\`), so no
    joined batch is ever built.

    *Try it:* add \`F.collect_list("amount")\` to the aggregates. Why is there no generated code then?
  `,
  embeddedOnly(code`
    const orders = spark.range(100_000).selectExpr("id % 20 AS store", "CAST(id % 97 AS INT) AS amount").cache();
    await orders.count();
    const perStore = orders.groupBy("store").agg(F.sum("amount").alias("total"), F.avg("amount").alias("mean"), F.count("*").alias("n"));
    perStore.explain("codegen");
    await perStore.orderBy("store").show(5);
    const stores = spark.range(20).selectExpr("id AS store", "CAST(id % 3 AS INT) AS region");
    const perRegion = orders.join(stores, "store").groupBy("region").agg(F.sum("amount").alias("total"));
    perRegion.explain("codegen");
    await perRegion.orderBy("region").show();
  `),
  md`
    ### Physical planning: broadcast join vs shuffle join

    Joining \`peopleDF\` with a five-row table of cantons: when one side is small (under
    \`spark.sql.autoBroadcastJoinThreshold\`, 10 MB), the physical planner **broadcasts** it to every
    task and joins without moving the big side. With the threshold at \`-1\` it must **shuffle both
    sides** by \`city\`. The same query, two physical plans, two runs side by side with \`compare\`:
  `,
  embeddedOnly(code`
    import { compare } from "bigdata-workbench";
    const cantons = spark.createDataFrame(cities.map((city, i) => ({ city, canton: ["ZH", "GE", "BS", "BE", "VD"][i] })), "city string, canton string");
    const perCanton = () => peopleDF.join(cantons, "city").groupBy("canton").count();

    spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "-1");
    await perCanton().collect();
    const shuffleJoin = spark.lastJob()!;
    spark.conf.unset("spark.sql.autoBroadcastJoinThreshold");
    await perCanton().collect();
    const broadcastJoin = spark.lastJob()!;
    compare(shuffleJoin, broadcastJoin, ["shuffle join", "broadcast join"])
  `),
  md`
    ### SQL: correlated subqueries are rewritten into joins

    The same engine answers SQL. A **correlated** subquery reads a column of the outer query (here:
    each person's own city). Evaluated literally it would run once per outer row; Catalyst rewrites
    it into a join with an aggregate grouped by the correlated column, so it runs as one job. Look
    for the \`Join\` and the \`HashAggregate\` by \`city\` in the plan:
  `,
  code`
    peopleDF.createOrReplaceTempView("people");
    const olderThanTheirCity = spark.sql(\`
      SELECT city, count(*) AS n FROM people p
      WHERE age > (SELECT avg(age) FROM people q WHERE q.city = p.city)
      GROUP BY city ORDER BY city\`);
    olderThanTheirCity.explain();
    await olderThanTheirCity.show();
  `,
  md`
    ### Time zones: a timestamp is an instant

    A \`TIMESTAMP\` is a moment in time. The **session time zone** (\`spark.sql.session.timeZone\`)
    decides how it is printed, which day and hour it falls in, and how a text like
    \`'2024-03-10 12:00:00'\` (no zone written) is read. The same rows, shown in two zones:
  `,
  code`
    const events = spark.createDataFrame([[new Date("2024-03-10T12:00:00Z")], [new Date("2024-03-10T23:30:00Z")]], "t timestamp");
    const fields = events.select("t", F.hour("t").alias("hour"), F.to_date("t").alias("day"), F.date_format("t", "HH:mm XXX").alias("local"));
    spark.conf.set("spark.sql.session.timeZone", "UTC");
    await fields.show();
    spark.conf.set("spark.sql.session.timeZone", "Asia/Tokyo");
    await fields.show();
    spark.conf.set("spark.sql.session.timeZone", "UTC");
  `,
  md`
    ### Your turn 1

    With the **DataFrame API** on \`peopleDF\`, count the people in Basel who are **younger than 25**.
    (Use \`filter\` twice, or one condition with \`.and(...)\`, then \`count()\`.)
  `,
  code`
    // TODO: replace undefined with a DataFrame query ending in await ....count()
    const youngInBasel: number | undefined = undefined;

    check("people in Basel younger than 25", youngInBasel, people.filter((p) => p.city === "Basel" && p.age < 25).length);
  `,
  md`
    ## Machine learning with Spark

    A (made-up) study: can we predict from **age**, **smoking** and **BMI** whether a patient gets
    sick? Real data is messy: the BMI is **missing** for some patients, and \`smoker\` is a
    **category**, not a number.
  `,
  embeddedOnly(code`
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const smokerKinds = ["no", "yes", "former"];
    const patients = Array.from({ length: 600 }, (_, i) => {
      const age = 20 + Math.floor(random() * 60), smoker = smokerKinds[i % 3], bmi = i % 9 === 0 ? null : Math.round((18 + random() * 16) * 10) / 10;
      const risk = 0.07 * (age - 50) + (smoker === "yes" ? 1.3 : smoker === "former" ? 0.4 : -0.7) + 0.12 * ((bmi ?? 25) - 25) + (random() - 0.5) * 2.5;
      return { age, smoker, bmi, sick: risk > 0 ? 1 : 0 };
    });
    const patientsDF = spark.createDataFrame(patients, "age int, smoker string, bmi double, sick int").repartition(3);
    await patientsDF.show(5);
  `),
  md`
    ### Missing data: imputation

    Options from the lecture: fill in the mean (or median), fit a regression model, or add a dummy
    "was missing" variable. \`Imputer\` fills in the mean, median or mode. It is an **estimator**:
    \`fit\` computes the mean on the workers and returns a **model** (a transformer) that fills it in.
  `,
  embeddedOnly(code`
    const imputer = new Imputer({ inputCols: ["bmi"], outputCols: ["bmi_filled"] });   // strategy "mean" by default
    const imputerModel = await imputer.fit(patientsDF);
    console.log("surrogate (mean BMI):", imputerModel.surrogateDF);
    await imputerModel.transform(patientsDF).filter(F.col("bmi").isNull()).show(3);
  `),
  md`
    ### Categorical encoding: one-hot

    \`smoker\` has no order (\`"former"\` is not between \`"no"\` and \`"yes"\`), so we encode it as
    binary columns: *is yes / is not yes*, and so on. In Spark this takes two stages:
    \`StringIndexer\` maps strings to indices (most frequent first), \`OneHotEncoder\` turns an index
    into a sparse vector. (The last category is dropped by default: it is implied when all others are 0.)
  `,
  embeddedOnly(code`
    const indexer = await new StringIndexer({ inputCol: "smoker", outputCol: "smoker_idx" }).fit(patientsDF);
    console.log("labels in index order:", indexer.labels);
    const indexed = indexer.transform(patientsDF);
    const encoder = await new OneHotEncoder({ inputCol: "smoker_idx", outputCol: "smoker_vec" }).fit(indexed);
    await encoder.transform(indexed).select("smoker", "smoker_idx", "smoker_vec").distinct().show();
  `),
  md`
    ### A classifier

    Models want one **features** vector per row: \`VectorAssembler\` builds it. We hold out a test
    set with \`randomSplit\` (same seed, same split), and train a **logistic regression**. Training
    runs L-BFGS: each step's loss and gradient is one aggregation job over the partitions.
  `,
  embeddedOnly(code`
    const [train, test] = patientsDF.randomSplit([0.75, 0.25], 42);
    const assembler = new VectorAssembler({ inputCols: ["age", "bmi_filled", "smoker_vec"], outputCol: "features" });
    const prepare = (df: typeof patientsDF) => assembler.transform(encoder.transform(indexer.transform(imputerModel.transform(df))));

    sc.setJobGroup("training", "logistic regression");
    const lrModel = await new LogisticRegression({ labelCol: "sick", regParam: 0.01 }).fit(prepare(train));
    console.log(\`\${sc.statusTracker().getJobIdsForGroup("training").length} jobs on the workers, \${lrModel.summary.totalIterations} L-BFGS iterations\`);
    console.log("coefficients:", String(lrModel.coefficients), "intercept:", lrModel.intercept.toFixed(3));
    sc.clearJobGroup();
    const predictions = lrModel.transform(prepare(test));
    await predictions.select("age", "smoker", "bmi_filled", "sick", "probability", "prediction").show(5, false);
  `),
  md`
    ### Evaluation: the confusion matrix

    | | actual 0 | actual 1 |
    |---|---|---|
    | **predicted 0** | TN | FN |
    | **predicted 1** | FP | TP |

    * **True positive**: the test correctly says positive; **true negative**: correctly negative;
      **false positive**: wrongly positive; **false negative**: wrongly negative.
    * **Accuracy** = (TP + TN) / all.
    * **Sensitivity** = TP / (TP + FN): the share of actual positives detected.
    * **Specificity** = TN / (TN + FP): the share of actual negatives detected.

    Spark (and the table below) puts the **actual** labels in the rows and the predicted ones in
    the columns — the transpose of the lecture's table; the four counts are the same.
  `,
  embeddedOnly(code`
    const cm = await ConfusionMatrix.of(predictions, "sick", "prediction");
    console.log(cm.toString());
    cm
  `),
  md`
    The classifier outputs a probability; 0.5 is only one possible threshold. The **ROC curve**
    shows sensitivity (true positive rate) against 1 − specificity (false positive rate) for all
    thresholds; the area under it is a threshold-free quality measure.
  `,
  embeddedOnly(code`
    const auc = await new BinaryClassificationEvaluator({ labelCol: "sick" }).evaluate(predictions);
    console.log(\`test AUC = \${auc.toFixed(3)}\`);
    await lrModel.evaluate(prepare(test)).rocChart()
  `),
  md`
    ### Your turn 2

    From the counts \`cm.TP\`, \`cm.TN\`, \`cm.FP\`, \`cm.FN\`, compute the **sensitivity** and the
    **specificity** of the classifier on the test set.
  `,
  embeddedOnly(code`
    // TODO: replace undefined with formulas over cm.TP, cm.TN, cm.FP, cm.FN
    const mySensitivity: number | undefined = undefined;
    const mySpecificity: number | undefined = undefined;

    check("sensitivity", mySensitivity, cm.binary().sensitivity, 1e-12);
    check("specificity", mySpecificity, cm.binary().specificity, 1e-12);
  `),
  md`
    ## Pipelines

    Above we chained the stages by hand, and had to remember to apply them in the same order to
    the test set. A **Pipeline** is that chain as one estimator: \`fit\` fits each stage on the
    output of the previous ones, and returns a \`PipelineModel\` that applies them all. Better code
    reuse, and no way to prepare train and test data differently.

    With a pipeline we can also **tune** it: \`CrossValidator\` splits the training data into k
    folds, fits every combination of a **parameter grid** on k − 1 folds and evaluates it on the
    remaining one, then refits the best combination on all the training data.
  `,
  embeddedOnly(code`
    const lr = new LogisticRegression({ labelCol: "sick" });
    const pipeline = new Pipeline({ stages: [
      new Imputer({ inputCols: ["bmi"], outputCols: ["bmi_filled"] }),
      new StringIndexer({ inputCol: "smoker", outputCol: "smoker_idx" }),
      new OneHotEncoder({ inputCol: "smoker_idx", outputCol: "smoker_vec" }),
      new VectorAssembler({ inputCols: ["age", "bmi_filled", "smoker_vec"], outputCol: "raw_features" }),
      new StandardScaler({ inputCol: "raw_features", outputCol: "features" }),
      lr,
    ] });
    const grid = new ParamGridBuilder().addGrid(lr.regParam, [0.001, 0.1, 1.0]).build();
    const cv = new CrossValidator({ estimator: pipeline, estimatorParamMaps: grid, evaluator: new BinaryClassificationEvaluator({ labelCol: "sick" }), numFolds: 3, seed: 7 });
    const cvModel = await cv.fit(train);
    console.table(cvModel.table());
    const testAuc = await new BinaryClassificationEvaluator({ labelCol: "sick" }).evaluate(cvModel.transform(test));
    console.log(\`best model's test AUC = \${testAuc.toFixed(3)}\`);
  `),
  md`
    ### Your turn 3

    The mean is sensitive to outliers; the **median** is not. Fit an \`Imputer\` with
    \`strategy: "median"\` on \`patientsDF\` and read its surrogate for \`bmi\`
    (\`model.surrogates[0]\`). (Spark's median is the value of rank ⌈n/2⌉ among the non-missing values.)
  `,
  embeddedOnly(code`
    // TODO: replace undefined with the median surrogate from a fitted Imputer
    const medianBmi: number | undefined = undefined;

    const known = patients.map((p) => p.bmi).filter((b): b is number => b !== null).sort((a, b) => a - b);
    check("median BMI", medianBmi, known[Math.ceil(known.length / 2) - 1]);
  `),
  md`
    ## Summary

    * DataFrames say **what** to compute, so Catalyst can analyse, optimise, plan and compile the
      query; RDD functions are black boxes.
    * ML stages are **transformers** (\`transform\`) or **estimators** (\`fit\` → model); fitting runs
      aggregation jobs on the workers.
    * Missing values: \`Imputer\`; categories: \`StringIndexer\` + \`OneHotEncoder\`; features: \`VectorAssembler\`.
    * Evaluate on held-out data: confusion matrix, sensitivity = TP/(TP+FN), specificity = TN/(TN+FP), ROC AUC.
    * A \`Pipeline\` chains the stages; \`CrossValidator\` with a \`ParamGridBuilder\` tunes it.

    <details><summary>▸ Solutions to "Your turn" (click to open)</summary>

    1. \`await peopleDF.filter(F.col("city").eqNullSafe("Basel")).filter(F.col("age").lt(25)).count()\`
    2. \`cm.TP / (cm.TP + cm.FN)\` and \`cm.TN / (cm.TN + cm.FP)\`
    3. \`(await new Imputer({ inputCols: ["bmi"], outputCols: ["b"], strategy: "median" }).fit(patientsDF)).surrogates[0]\`

    </details>
  `,
]);

/** Model answers for the "Your turn" cells, as text edits of the committed cells (the e2e test applies them). */
export const L07_SOLUTIONS: Array<{ find: string; replace: string }> = [
  {
    find: "const youngInBasel: number | undefined = undefined;",
    replace: 'const youngInBasel: number | undefined = await peopleDF.filter(F.col("city").eqNullSafe("Basel")).filter(F.col("age").lt(25)).count();',
  },
  {
    find: "const mySensitivity: number | undefined = undefined;\nconst mySpecificity: number | undefined = undefined;",
    replace: "const mySensitivity: number | undefined = cm.TP / (cm.TP + cm.FN);\nconst mySpecificity: number | undefined = cm.TN / (cm.TN + cm.FP);",
  },
  {
    find: "const medianBmi: number | undefined = undefined;",
    replace: 'const medianBmi: number | undefined = (await new Imputer({ inputCols: ["bmi"], outputCols: ["b"], strategy: "median" }).fit(patientsDF)).surrogates[0];',
  },
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await emit(fileURLToPath(new URL("../L07-spark-sql-and-ml.ipynb", import.meta.url)), L07);
}
