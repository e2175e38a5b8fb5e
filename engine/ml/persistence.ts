// save / load of stages, models and pipelines in Spark's directory layout: `path/metadata/part-00000`
// (one JSON line: class, timestamp, sparkVersion, uid, paramMap, defaultParamMap), model data
// as Parquet under `path/data/`, and a pipeline's stages under `path/stages/<index>_<uid>/`.
// The data columns are plain arrays (array<double>, array<array<double>>, array<string>) rather
// than Spark's VectorUDT/MatrixUDT structs, so most saved models reload here, not in Apache Spark;
// where Spark's data needs no UDT (VectorIndexerModel's numFeatures and categoryMaps), a model
// saved here loads in Spark and one saved by Spark loads here (its metadata file is
// part-00000-<uuid>.txt and names only the Spark class).

import { mkdirSync, readFileSync, writeFileSync, readdirSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { AnalysisError } from "../common/errors";
import type { SqlSession } from "../sql";
import type { Params } from "./params";

/** What save/load need from a session (a SparkSession has both). */
export type MLSession = Pick<SqlSession, "createDataFrame" | "read">;

interface Persister {
  sparkClass: string;
  /** The model's data as one row with a DDL schema; undefined for stages that are only params. */
  data?: (stage: Params) => { ddl: string; row: unknown[] };
  make: (data: Record<string, unknown> | undefined, params: Record<string, unknown>) => Params;
}
const persisters = new Map<string, Persister>();

/** Register how a stage class (by constructor name) is saved and rebuilt. */
export function registerPersister(name: string, p: Persister): void { persisters.set(name, p); }

const encode = (v: unknown): unknown => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v);
const decode = (v: unknown): unknown => (v === "NaN" ? NaN : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v);
const isStage = (v: unknown): boolean => typeof v === "object" && v !== null && "uid" in v && "paramSpecs" in v;

export async function saveStage(stage: Params, path: string, spark: MLSession, overwrite = false): Promise<void> {
  const name = stage.constructor.name;
  const p = persisters.get(name);
  if (!p) throw new AnalysisError("UNSUPPORTED_FEATURE", `${name} (${stage.uid}) cannot be saved (no writer for this stage).`);
  if (existsSync(path)) {
    if (!overwrite) throw new AnalysisError("PATH_ALREADY_EXISTS", `Path ${path} already exists. Please use write().overwrite().save(path) to overwrite it.`);
    rmSync(path, { recursive: true, force: true });
  }
  mkdirSync(join(path, "metadata"), { recursive: true });
  const paramMap: Record<string, unknown> = {}, defaultParamMap: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stage.paramValues())) if (!isStage(v) && !(Array.isArray(v) && v.some(isStage))) paramMap[k] = encode(v);
  for (const [k, s] of Object.entries(stage.paramSpecs)) if (s.default !== undefined) defaultParamMap[k] = encode(s.default);
  const meta = { class: p.sparkClass, workbenchClass: name, timestamp: Date.now(), sparkVersion: "3.5.0", uid: stage.uid, paramMap, defaultParamMap };
  writeFileSync(join(path, "metadata", "part-00000"), JSON.stringify(meta) + "\n");
  writeFileSync(join(path, "metadata", "_SUCCESS"), "");
  if (p.data) {
    const { ddl, row } = p.data(stage);
    await spark.createDataFrame([row], ddl).write.mode("overwrite").parquet(join(path, "data"));
  }
  const own = (stage as unknown as { stages?: unknown }).stages;
  const stages = Array.isArray(own) ? (own as Params[]) : stage.hasParam("stages") ? stage.getOrDefault<Params[] | undefined>("stages") : undefined;
  if (stages) {
    const width = String(stages.length).length;
    for (let i = 0; i < stages.length; i++) await saveStage(stages[i]!, join(path, "stages", `${String(i).padStart(width, "0")}_${stages[i]!.uid}`), spark);
  }
}

export async function loadStage<T extends Params = Params>(path: string, spark: MLSession): Promise<T> {
  // Spark writes the metadata line as part-00000-<uuid>-c000.txt, the workbench as part-00000.
  const metaDir = join(path, "metadata");
  const part = existsSync(metaDir) ? readdirSync(metaDir).filter((f) => f.startsWith("part-")).sort()[0] : undefined;
  if (!part) throw new AnalysisError("PATH_NOT_FOUND", `Path does not exist: ${join(metaDir, "part-00000")} (not a saved ML stage).`);
  const meta = JSON.parse(readFileSync(join(metaDir, part), "utf8").split("\n")[0]!) as { class: string; workbenchClass?: string; uid: string; paramMap: Record<string, unknown>; defaultParamMap?: Record<string, unknown> };
  // A stage saved by Apache Spark names only its Spark class.
  const name = meta.workbenchClass ?? [...persisters].find(([, x]) => x.sparkClass === meta.class)?.[0];
  const p = name === undefined ? undefined : persisters.get(name);
  if (!p) throw new AnalysisError("UNSUPPORTED_FEATURE", `cannot load ${meta.workbenchClass ?? meta.class}: no reader for this stage.`);
  const data = p.data ? (await spark.read.parquet(join(path, "data")).collect())[0] : undefined;
  const params = Object.fromEntries(Object.entries({ ...(meta.defaultParamMap ?? {}), ...meta.paramMap }).map(([k, v]) => [k, decode(v)]));
  const stage = p.make(data, params);
  stage.uid = meta.uid;
  for (const [k, v] of Object.entries(meta.paramMap)) if (stage.hasParam(k)) stage.set(k, decode(v));
  const stagesDir = join(path, "stages");
  if (existsSync(stagesDir)) {
    const children = await Promise.all(readdirSync(stagesDir).sort().map((d) => loadStage(join(stagesDir, d), spark)));
    if (stage.hasParam("stages")) stage.set("stages", children);
    else (stage as unknown as { stages: Params[] }).stages = children;
  }
  return stage as T;
}
