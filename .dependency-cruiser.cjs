// Layering of engine/: a lower layer never imports a higher one, and there are no cycles.
// Order (low -> high): common, rpc, cluster, storage, rdd, executor (the worker side of a job), scheduler, sql, topic packages (and connect, the Spark Connect client), viz, session.
const order = ["common", "rpc", "cluster", "storage", "rdd", "executor", "scheduler", "sql", "streaming|dataflow|mapreduce|mining|graph|nosql|lake|ml|connect", "viz", "session"];
const forbidden = [];
order.forEach((layer, i) => {
  const higher = order.slice(i + 1).join("|");
  if (!higher) return;
  forbidden.push({
    name: `no-upward-from-${layer.split("|")[0]}`,
    comment: `engine/${layer} must not import a higher layer (${higher})`,
    severity: "error",
    from: { path: `^engine/(${layer})/` },
    to: { path: `^engine/(${higher})/` },
  });
});
// Only these layers exist: a module in any other folder of engine/ is refused (add it to the order).
forbidden.push({ name: "engine-folder-is-a-layer", severity: "error", from: { path: "^engine/[^/]+/", pathNot: `^engine/(${order.join("|")})/` }, to: {} });
// Inside engine/sql, the stage rooms, low -> high: the shared model (the files at the top of
// engine/sql, expressions/, plan/: types, value text, expressions, the logical plan, the
// data-source contract, column batches), datasources/ (the built-in formats behind the contract),
// parser/, analysis/ (binder, plan builders, catalog), optimizer/, physical/ (planner, physical
// plan), execution/ (executor, operators, columnar, cache, query execution), api/ (DataFrame,
// Dataset, Column, functions, readers/writers, SqlSession, commands). engine/sql/index.ts is the
// package's entry, above them all.
const sqlRooms = ["model", "datasources", "parser", "analysis", "optimizer", "physical", "execution", "api"];
const sqlRoomPath = (r) => (r === "model" ? "^engine/sql/(?!index\\.ts$)([^/]+\\.ts$|expressions/|plan/)" : `^engine/sql/${r}/`);
sqlRooms.forEach((room, i) => {
  const higher = sqlRooms.slice(i + 1);
  if (!higher.length) return;
  forbidden.push({
    name: `sql-no-upward-from-${room}`,
    comment: `engine/sql's ${room} room must not import a later stage (${higher.join(", ")})`,
    severity: "error",
    from: { path: sqlRoomPath(room) },
    to: { path: `^engine/sql/(${higher.join("|")})/|^engine/sql/index\\.ts$` },
  });
});
forbidden.push({ name: "sql-folder-is-a-room", severity: "error", from: { path: "^engine/sql/[^/]+/", pathNot: `^engine/sql/(${sqlRooms.filter((r) => r !== "model").join("|")}|expressions|plan)/` }, to: {} });
// Type-only imports vanish at run time; a runtime import cycle is a bug.
forbidden.push({ name: "no-cycles", severity: "error", from: { path: "^engine/" }, to: { circular: true, dependencyTypesNot: ["type-only"], viaOnly: { dependencyTypesNot: ["type-only"] } } });
// No cycles through type-only imports either, except among types that refer to each other by
// nature (as in Spark): DataFrame, Dataset, readers/writers and SqlSession in engine/sql/api (and
// their Spark Connect twins), RDD with its dependencies and context, Catalyst's expressions and
// logical plan (a subquery expression holds a plan, a plan holds expressions), the SQL AST.
forbidden.push({
  name: "no-type-cycles",
  severity: "error",
  from: { path: "^engine/", pathNot: "^engine/(sql/api/|connect/remote-(sql-session|readwriter|streaming)\\.ts$|rdd/(rdd|dependency|rdd-context)\\.ts$|sql/expressions/(expression|registry|print)\\.ts$|sql/plan/logical-plan\\.ts$|sql/parser/ast-(expressions|queries)\\.ts$)" },
  to: { circular: true },
});
// The kernel uses only the public API; the JupyterLab extension only the pure renderers of
// engine/viz (and the value-text module they print with).
forbidden.push({ name: "kernel-uses-public-api", severity: "error", from: { path: "^kernel/", pathNot: "^kernel/bundle\\.mjs$" }, to: { path: "^engine/", pathNot: "^engine/index\\.ts$" } });
// ...except the kernel's bundle builder, which runs before TypeScript can load the engine's API and
// shares the bundle cache with the engine's worker bundles (and nothing else of the engine).
forbidden.push({ name: "kernel-bundle-uses-bundle-cache", severity: "error", from: { path: "^kernel/bundle\\.mjs$" }, to: { path: "^engine/", pathNot: "^engine/session/bundle-cache\\.mjs$" } });
forbidden.push({ name: "extension-uses-viz", severity: "error", from: { path: "^extensions/", pathNot: "\\.test\\.ts$" }, to: { path: "^engine/", pathNot: "^engine/(viz/|sql/text-format\\.ts$|sql/types\\.ts$)" } });
forbidden.push({ name: "engine-not-kernel", severity: "error", from: { path: "^engine/" }, to: { path: "^(kernel|notebooks|test)/" } });
module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "\\.test\\.ts$" },
  },
};
