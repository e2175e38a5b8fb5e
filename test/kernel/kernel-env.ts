// Test helper: installs the bigdata kernelspec into a fresh temporary prefix and runs Python
// (Debian's, which has jupyter_client and jupyter_kernel_test) with JUPYTER_PATH pointing at it,
// so kernel tests never read or write the machine's own Jupyter configuration.

import { spawn } from "node:child_process";
import { expect } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { installKernelSpec } from "../../kernel/install";

export const PYTHON = "/usr/bin/python3";
export const TEST_DIR = fileURLToPath(new URL(".", import.meta.url));

export interface KernelEnv {
  prefix: string;
  /** A scratch folder used as the kernel's working directory (the "notebook folder"). */
  workDir: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

export async function makeKernelEnv(name = "bigdata"): Promise<KernelEnv> {
  const prefix = mkdtempSync(join(tmpdir(), "bdw-kernelspec-"));
  const workDir = mkdtempSync(join(tmpdir(), "bdw-notebook-"));
  await installKernelSpec({ prefix, name });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_PATH: join(prefix, "share", "jupyter"),
    // Keep Jupyter's runtime files (connection files) out of the user's folders too.
    JUPYTER_RUNTIME_DIR: join(prefix, "runtime"),
    JUPYTER_CONFIG_DIR: join(prefix, "config"),
    JUPYTER_DATA_DIR: join(prefix, "data"),
    PYTHONPATH: TEST_DIR,
    BDW_KERNEL_NAME: name,
  };
  return { prefix, workDir, env, cleanup: () => { rmSync(prefix, { recursive: true, force: true }); rmSync(workDir, { recursive: true, force: true }); } };
}

export interface RunResult { code: number | null; stdout: string; stderr: string }

/** Runs Python with the kernel environment; resolves when it exits. */
export function runPython(k: KernelEnv, args: string[], timeoutMs = 600_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(PYTHON, args, { cwd: k.workDir, env: k.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    p.stdout.on("data", (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.on("error", reject);
    p.on("close", (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** Parses unittest's verbose output into test name -> outcome ("ok", "FAIL", "ERROR", "skipped ..."). */
export function unittestOutcomes(stderr: string): Map<string, string> {
  const out = new Map<string, string>();
  const OUTCOME = /^(ok|FAIL|ERROR|skipped.*|expected failure|unexpected success)$/;
  let pending: string | undefined;
  // The kernel's own log lines (its stderr) can land between "... " and the outcome.
  for (const line of stderr.split("\n")) {
    const m = /^(test_\w+) \(.*\)(?: \.\.\. ?(.*))?$/.exec(line);
    if (m) {
      pending = m[1];
      const rest = (m[2] ?? "").trim();
      if (OUTCOME.test(rest)) { out.set(pending!, rest); pending = undefined; }
      continue;
    }
    if (pending && OUTCOME.test(line.trim())) { out.set(pending, line.trim()); pending = undefined; }
  }
  return out;
}

/** Every named unittest test passed ("ok"), and the run exited 0; failures show the run's stderr tail. */
export function expectAllOk(r: RunResult, names: string[], tail = 6000): void {
  const outcomes = unittestOutcomes(r.stderr);
  for (const t of names) expect.soft(outcomes.get(t), `${t}\n${r.stderr.slice(-tail)}`).toBe("ok");
  expect(r.code, r.stderr.slice(-tail)).toBe(0);
}
