import { readFileSync } from "node:fs";

// The declaration file that types a notebook's pre-bound globals (spark, sc, display, configure, test, expect, check)
// for tslab's checker. It starts with a reference to Node's types: tslab only finds @types/node
// inside its own folder, and without it a notebook cannot even name `console`. The engine's types
// are imported by package name: the notebook's folder sees them as node_modules/bigdata-workbench
// (kernel/typing/virtual-packages.ts), so tslab can name them in the declarations it emits.

/** kernel/grading/matchers.ts as a global interface BigDataMatchers. */
const matchersDts = readFileSync(new URL("../grading/matchers.ts", import.meta.url), "utf8")
  .replace(/^[\s\S]*?export interface Matchers \{/, "  interface BigDataMatchers {")
  .replace(/Omit<Matchers, "not">/g, 'Omit<BigDataMatchers, "not">')
  .trimEnd();

export const notebookGlobalsDts = `/// <reference types="node" />
import type { SparkSession as EngineSparkSession, SparkContext as EngineSparkContext } from "bigdata-workbench";

export {};

declare global {
  /** The notebook's SparkSession: local[2] unless configure() says otherwise, started on first use. */
  const spark: EngineSparkSession;
  /** The notebook's SparkContext (spark.sparkContext). */
  const sc: EngineSparkContext;

  interface BigDataDisplayHandle {
    readonly displayId: string;
    /** Replaces what this handle displayed, in place. */
    update(x: unknown): Promise<void>;
  }
  interface BigDataDisplay {
    /** Shows x: its _repr_mimebundle_() when it has one, else text. Returns a handle to update it. */
    (x: unknown, opts?: { displayId?: string }): Promise<BigDataDisplayHandle>;
    html(html: string): Promise<BigDataDisplayHandle>;
    markdown(md: string): Promise<BigDataDisplayHandle>;
    svg(svg: string): Promise<BigDataDisplayHandle>;
    json(value: unknown): Promise<BigDataDisplayHandle>;
    /** Shows a ready MIME bundle, e.g. { "text/html": "<b>hi</b>", "text/plain": "hi" }. */
    bundle(data: Record<string, unknown>, metadata?: Record<string, unknown>): Promise<BigDataDisplayHandle>;
    /** Clears this cell's output (wait=true: when the next output arrives). */
    clear(wait?: boolean): void;
  }
  /** Rich display, as IPython's display(). */
  const display: BigDataDisplay;

  interface BigDataNotebookConfig {
    /** e.g. "local[4]" (default "local[2]"). */
    master?: string;
    appName?: string;
    conf?: Record<string, string | number | boolean>;
    /** A Spark Connect server, "sc://host:15002/;token=...": spark runs there (default: SPARK_REMOTE). */
    remote?: string;
  }
  /** Changes how the notebook's session starts. Only before the first use of spark or sc. */
  function configure(opts: BigDataNotebookConfig): void;

  interface BigDataTestOptions {
    /** Weight of this case within its question (default 1). */
    points?: number;
    /** What a student reads when the case fails. */
    message?: string;
    /** Limit for an asynchronous case, ms (default 60000). */
    timeoutMs?: number;
  }
${matchersDts}
  interface BigDataExpect {
    (got: unknown, hint?: string): BigDataMatchers;
  }
  /** Registers a graded test case under a question ("q1"); check("q1") runs it. */
  var test: (question: string, name: string, fn: () => unknown, opts?: BigDataTestOptions) => void;
  /** Jest-style assertions for graded tests: expect(got, hint?).toEqual(expected). */
  var expect: BigDataExpect;
  /** Runs a question's (public) tests and shows pass/fail with expected vs got. */
  var check: (question?: string) => Promise<unknown>;
}
`;
