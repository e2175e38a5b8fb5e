// `workbench grade`: grades a folder of submissions against a bundle; `workbench
// gradescope-bundle`: the zip to upload to Gradescope, whose run_autograder calls the same grader.

import { copyFile, cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bundleZip, readBundle, zipFiles } from "../grade/bundle";
import { findSubmissions, gradeBatch } from "../grade/grade-batch";
import { int, num, parse, UsageError, type Command } from "./command";
import { resolveSpec } from "./run";

export const gradeCommand: Command = {
  name: "grade",
  summary: "autograde a folder of submissions",
  help: `Usage: workbench grade SUBMISSIONS --bundle NAME.zip --out RESULTS [options]

SUBMISSIONS holds one notebook per student (alice.ipynb) or one folder per student (alice/ with
one notebook and its files). Each is graded in its own kernel and fresh working directory; tests
come from the bundle only. Writes RESULTS/<student>/results.json (Gradescope format),
feedback.html and graded.ipynb, and RESULTS/gradebook.csv.

Options:
  --bundle ZIP            the bundle from \`workbench assign\` (required)
  --out DIR               where to write results (required)
  --jobs N                submissions graded at once (default: number of cores)
  --cell-timeout S        limit of one cell (default 60)
  --question-timeout S    limit of a question's tests (default 120)
  --memory MB             heap cap of each kernel (default 1024)
  --output-cap BYTES      output one cell may write (default 1000000)
  --quiet                 print only the summary
  -h, --help              show this help`,
  async run(args) {
    const { values, positionals } = parse(args, {
      bundle: { type: "string", short: "b" },
      out: { type: "string", short: "o" },
      jobs: { type: "string", short: "j" },
      "cell-timeout": { type: "string" },
      "question-timeout": { type: "string" },
      memory: { type: "string" },
      "output-cap": { type: "string" },
      quiet: { type: "boolean", short: "q" },
    });
    if (values.help) return console.log(this.help), 0;
    if (positionals.length !== 1) throw new UsageError("give exactly one SUBMISSIONS folder");
    if (!values.bundle) throw new UsageError("--bundle ZIP is required");
    if (!values.out) throw new UsageError("--out DIR is required");
    return gradeFolder(resolve(positionals[0]!), resolve(values.bundle), resolve(values.out), {
      jobs: int(values.jobs, "--jobs", 1),
      cellTimeoutMs: ms(num(values["cell-timeout"], "--cell-timeout")),
      questionTimeoutMs: ms(num(values["question-timeout"], "--question-timeout")),
      memoryMb: int(values.memory, "--memory", 64),
      outputCapBytes: int(values["output-cap"], "--output-cap", 1000),
      quiet: !!values.quiet,
    });
  },
};

const ms = (s: number | undefined) => (s === undefined ? undefined : s * 1000);

interface FolderOptions {
  jobs?: number;
  cellTimeoutMs?: number;
  questionTimeoutMs?: number;
  memoryMb?: number;
  outputCapBytes?: number;
  quiet?: boolean;
}

export async function gradeFolder(submissions: string, bundlePath: string, out: string, o: FolderOptions): Promise<number> {
  const bundle = await readBundle(bundlePath);
  const subs = await findSubmissions(submissions);
  if (!subs.length) throw new UsageError(`${submissions} holds no submissions (*.ipynb files or folders with one notebook)`);
  const { spec, cleanup } = await resolveSpec("bigdata", () => undefined);
  const limits = Object.fromEntries(Object.entries({ cellTimeoutMs: o.cellTimeoutMs, questionTimeoutMs: o.questionTimeoutMs, memoryMb: o.memoryMb, outputCapBytes: o.outputCapBytes }).filter(([, v]) => v !== undefined));
  try {
    const { rows, sandbox } = await gradeBatch(subs, {
      spec, bundle, out, jobs: o.jobs, limits,
      hide: [bundlePath, submissions, out],
      log: o.quiet ? undefined : (l) => console.log(l),
    });
    const graded = rows.filter((r) => r.grade).length;
    console.log(`graded ${graded} of ${rows.length} submissions of ${bundle.name} (sandbox: ${sandbox}); results in ${out}`);
    return graded === rows.length ? 0 : 1;
  } finally {
    await cleanup();
  }
}

export const gradescopeBundleCommand: Command = {
  name: "gradescope-bundle",
  summary: "write the autograder zip to upload to Gradescope",
  help: `Usage: workbench gradescope-bundle NAME.zip --out autograder.zip --repo URL [--ref REV]

Writes a Gradescope autograder zip: setup.sh installs Node 20 and the workbench (git clone of
--repo at --ref, default main, then npm ci), and run_autograder (or WORKBENCH_HOME on a prepared
image) grades
/autograder/submission with the same grader as \`workbench grade\` and puts results.json where
Gradescope reads it.`,
  async run(args) {
    const { values, positionals } = parse(args, { out: { type: "string", short: "o" }, repo: { type: "string" }, ref: { type: "string" } });
    if (values.help) return console.log(this.help), 0;
    if (positionals.length !== 1 || !values.out) throw new UsageError("give the bundle and --out");
    if (!values.repo) throw new UsageError("give --repo URL: the git repository Gradescope's setup.sh clones the workbench from");
    const bundle = await readBundle(resolve(positionals[0]!));
    const repo = values.repo;
    const ref = values.ref ?? "main";
    const setup = `#!/usr/bin/env bash
# Gradescope setup: the workbench and its dependencies, installed once per image.
set -euo pipefail
apt-get update && apt-get install -y git curl
if ! command -v node >/dev/null; then curl -fsSL https://deb.nodesource.com/setup_20.x | bash - && apt-get install -y nodejs; fi
git clone ${repo} /autograder/workbench && cd /autograder/workbench && git checkout ${ref} && npm ci
`;
    const run = `#!/usr/bin/env bash
# Gradescope entry: grade the submission folder with the bundle; results.json where Gradescope reads it.
set -uo pipefail
WB=\${WORKBENCH_HOME:-/autograder/workbench}
node "$WB/kernel/bin/workbench.mjs" gradescope-run /autograder/source/bundle.zip /autograder/submission /autograder/results
`;
    const { strToU8 } = await import("fflate");
    // Both scripts are executable in the zip (unix mode 0755 in the external attributes).
    const exe = (text: string) => [strToU8(text), { os: 3, attrs: 0o100755 << 16 }] as [Uint8Array, { os: number; attrs: number }];
    await writeFile(resolve(values.out), zipFiles({ "setup.sh": exe(setup), run_autograder: exe(run), "bundle.zip": bundleZip(bundle) }));
    console.log(`Wrote ${resolve(values.out)} (setup.sh, run_autograder, bundle.zip)`);
    return 0;
  },
};

/** `gradescope-run BUNDLE SUBMISSION_DIR RESULTS_DIR`: one submission, results.json in RESULTS_DIR. */
export const gradescopeRunCommand: Command = {
  name: "gradescope-run",
  summary: "grade one Gradescope submission folder (used by run_autograder)",
  help: `Usage: workbench gradescope-run BUNDLE.zip SUBMISSION_DIR RESULTS_DIR`,
  async run(args) {
    const { values, positionals } = parse(args, {});
    if (values.help) return console.log(this.help), 0;
    if (positionals.length !== 3) throw new UsageError("give BUNDLE.zip SUBMISSION_DIR RESULTS_DIR");
    const [bundle, subDir, results] = positionals.map((p) => resolve(p)) as [string, string, string];
    const stage = await mkdtemp(join(tmpdir(), "bdw-gs-run-"));
    try {
      await mkdir(join(stage, "in"));
      await cp(subDir, join(stage, "in", "submission"), { recursive: true });
      const rc = await gradeFolder(join(stage, "in"), bundle, join(stage, "out"), { jobs: 1 });
      await mkdir(results, { recursive: true });
      await copyFile(join(stage, "out", "submission", "results.json"), join(results, "results.json"));
      return rc;
    } finally {
      await rm(stage, { recursive: true, force: true });
    }
  },
};
