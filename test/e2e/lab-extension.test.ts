// The workbench's MIME extension as a prebuilt JupyterLab 4 extension: built with npm alone
// (@jupyterlab/builder pinned in extensions/bigdata-mime/package-lock.json), installed into the
// project's JupyterLab environment, and reported by `jupyter labextension list` as enabled and OK.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureLabEnv, findBasePython } from "../../kernel/cli/jupyter-lab-env";
import { ensureLabExtension, EXTENSION_DIR, EXTENSION_NAME, extensionSourceHash, installedExtensionDir } from "../../kernel/cli/lab-extension";

describe.skipIf(!findBasePython())("bigdata-workbench-mime prebuilt extension", () => {
  it("builds, installs into the JupyterLab environment and is listed enabled OK", () => {
    const log: string[] = [];
    const env = ensureLabEnv((m) => log.push(m));
    expect(env, log.join("\n")).toBeDefined();
    expect(ensureLabExtension(env!, (m) => log.push(m), true), log.join("\n")).toBe(true);

    const dest = installedExtensionDir(env!);
    const meta = JSON.parse(readFileSync(join(dest, "package.json"), "utf8")) as { name: string; jupyterlab: { mimeExtension: unknown; _build: { load: string } } };
    expect(meta.name).toBe(EXTENSION_NAME);
    expect(meta.jupyterlab.mimeExtension).toBeTruthy();
    expect(existsSync(join(dest, meta.jupyterlab._build.load))).toBe(true);

    const list = spawnSync(join(env!.prefix, "bin", "jupyter"), ["labextension", "list"], { encoding: "utf8", env: { ...process.env, JUPYTER_PLATFORM_DIRS: "0" } });
    const text = (list.stdout + list.stderr).replace(/\x1b\[\d+m/g, "");
    expect(text).toMatch(new RegExp(`${EXTENSION_NAME} v0\\.1\\.0 enabled\\s+OK`));

    // built from the current sources: the next start does not rebuild; once the sources differ
    // from the stamp (here: a stamp from other sources), it does
    const stamp = join(EXTENSION_DIR, "labextension", ".source-hash");
    expect(readFileSync(stamp, "utf8").trim()).toBe(extensionSourceHash());
    const again: string[] = [];
    expect(ensureLabExtension(env!, (m) => again.push(m))).toBe(true);
    expect(again).toEqual([]);
    writeFileSync(stamp, "0".repeat(64) + "\n");
    const rebuilt: string[] = [];
    expect(ensureLabExtension(env!, (m) => rebuilt.push(m)), rebuilt.join("\n")).toBe(true);
    expect(rebuilt.join("\n")).toMatch(/sources changed since it was built; rebuilding/);
    expect(readFileSync(stamp, "utf8").trim()).toBe(extensionSourceHash());
  }, 600_000);
});
