// Typed errors for every phase of the pipeline. They are plain data at heart (kind, condition,
// message, parameters) so they can cross the WebSocket and be rebuilt on the driver: see
// errorToWire / errorFromWire. Never throw a non-Error anywhere in the engine.

export type ErrorKind = "ParseError" | "AnalysisError" | "ExecutionError" | "InternalError" | "SparkError";

export interface ErrorContext {
  /** Where in user text (SQL, CSV, JSON) the problem is. */
  file?: string;
  line?: number;
  column?: number;
  /** A snippet of the offending text with a caret under the token. */
  snippet?: string;
  /** Where in the cluster a task failed. */
  jobId?: number;
  stageId?: number;
  partition?: number;
  attempt?: number;
  workerId?: string;
  [key: string]: unknown;
}

/** Base of all workbench errors. `condition` follows Spark's error-condition names where one exists. */
export class WorkbenchError extends Error {
  readonly kind: ErrorKind = "SparkError";
  readonly condition: string;
  readonly parameters: Record<string, unknown>;
  readonly context: ErrorContext;
  /** Stack text of the original (user) exception, e.g. from a task on a worker. */
  readonly causeStack?: string;

  constructor(
    condition: string,
    message: string,
    opts: { parameters?: Record<string, unknown>; context?: ErrorContext; cause?: unknown; causeStack?: string } = {},
  ) {
    super(condition ? `[${condition}] ${message}` : message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.condition = condition;
    this.parameters = opts.parameters ?? {};
    this.context = opts.context ?? {};
    this.causeStack = opts.causeStack;
  }

  override get name(): string {
    return this.kind;
  }
}

/** Bad SQL / expression text. Carries line, column (1-based) and a caret snippet. */
export class ParseError extends WorkbenchError {
  override readonly kind = "ParseError" as const;
}

/** A query that parses but cannot be resolved: unknown column, wrong types, bad arguments. */
export class AnalysisError extends WorkbenchError {
  override readonly kind = "AnalysisError" as const;
}

/** A failure while running a job: user exception in a task, lost data, cancelled job. */
export class ExecutionError extends WorkbenchError {
  override readonly kind = "ExecutionError" as const;
}

/** A bug in the workbench itself. */
export class InternalError extends WorkbenchError {
  override readonly kind = "InternalError" as const;
}

/** Alias kept for PySpark habits (`except SparkException`). */
export const SparkException = WorkbenchError;

const KINDS = { ParseError, AnalysisError, ExecutionError, InternalError, SparkError: WorkbenchError } as const;

/** Plain-data form of any thrown value, for the wire. */
export interface WireError {
  kind: ErrorKind | "Error";
  name: string;
  condition: string;
  message: string;
  stack?: string;
  parameters?: Record<string, unknown>;
  context?: ErrorContext;
  causeStack?: string;
}

export function errorToWire(e: unknown): WireError {
  if (e instanceof WorkbenchError) {
    return {
      kind: e.kind,
      name: e.name,
      condition: e.condition,
      message: e.message,
      stack: e.stack,
      parameters: e.parameters,
      context: e.context,
      causeStack: e.causeStack,
    };
  }
  if (e instanceof Error) {
    return { kind: "Error", name: e.name, condition: "", message: e.message, stack: e.stack };
  }
  return { kind: "Error", name: "Error", condition: "", message: `non-Error thrown: ${String(e)}` };
}

/** Rebuild a WorkbenchError (or a plain Error of the same name) from its wire form. */
export function errorFromWire(w: WireError): Error {
  if (w.kind === "Error") {
    const e = new Error(w.message);
    e.name = w.name;
    if (w.stack) e.stack = w.stack;
    return e;
  }
  const Cls = KINDS[w.kind] ?? WorkbenchError;
  const prefix = w.condition ? `[${w.condition}] ` : "";
  const bare = w.message.startsWith(prefix) ? w.message.slice(prefix.length) : w.message;
  const e = new Cls(w.condition, bare, { parameters: w.parameters, context: w.context, causeStack: w.causeStack });
  if (w.stack) e.stack = w.stack;
  return e;
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const m = a.length, n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[n]!;
}

/** The closest candidate to `name` (case-insensitive), or undefined when nothing is close. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) { bestD = d; best = c; }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 2)) ? best : undefined;
}

/** Exhaustiveness check for switches over tagged unions. */
export function assertNever(x: never, what = "value"): never {
  throw new InternalError("INTERNAL_ERROR", `unhandled ${what}: ${JSON.stringify(x)}`);
}

/** Conditions a retry cannot fix: the scheduler aborts the stage at the first such failure. */
const DETERMINISTIC_CONDITIONS = new Set(["RESULT_TOO_LARGE", "SHUFFLE_FETCH_UNAUTHORIZED", "MAPREDUCE_OUTPUT_NOT_SERIALIZABLE"]);

/** Whether a retry cannot fix `err`: its condition says so, or it was raised as deterministic (a corrupt file). */
export function isDeterministicFailure(err: Pick<WireError, "condition" | "parameters"> | undefined): boolean {
  return err !== undefined && (DETERMINISTIC_CONDITIONS.has(err.condition) || err.parameters?.deterministic === true);
}
