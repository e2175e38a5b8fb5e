// The autograder bundle: a zip with assignment.json (questions, every test, the student template)
// and, for Gradescope, the setup.sh / run_autograder pair that runs the same grader on its machine.

import { readFile, writeFile } from "node:fs/promises";
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from "fflate";
import type { AssignmentBundle } from "../../grading/assignment";

export class BundleError extends Error {
  override name = "BundleError";
}

export const BUNDLE_ENTRY = "assignment.json";

/** The bundle's zip bytes; `extra` files go beside assignment.json. */
export function bundleZip(bundle: AssignmentBundle, extra: Record<string, string | Uint8Array> = {}): Uint8Array {
  const files: Record<string, Uint8Array> = { [BUNDLE_ENTRY]: strToU8(JSON.stringify(bundle, null, 1)) };
  for (const [name, content] of Object.entries(extra)) files[name] = typeof content === "string" ? strToU8(content) : content;
  return zipFiles(files);
}

/** A zip of the files; a fixed timestamp keeps it byte-for-byte the same for the same content. */
export function zipFiles(files: Zippable): Uint8Array {
  return zipSync(files, { mtime: new Date("2020-01-01T00:00:00Z") });
}

export async function writeBundle(path: string, bundle: AssignmentBundle): Promise<void> {
  await writeFile(path, bundleZip(bundle));
}

export async function readBundle(path: string): Promise<AssignmentBundle> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(new Uint8Array(await readFile(path)));
  } catch (e) {
    throw new BundleError(`${path} is not a readable zip: ${e instanceof Error ? e.message : String(e)}`);
  }
  const entry = files[BUNDLE_ENTRY];
  if (!entry) throw new BundleError(`${path} has no ${BUNDLE_ENTRY}; build bundles with \`workbench assign\``);
  const b = JSON.parse(strFromU8(entry)) as AssignmentBundle;
  if (b.format !== "bigdata-assignment/1" || !Array.isArray(b.questions) || !b.template) throw new BundleError(`${path}: ${BUNDLE_ENTRY} is not a bigdata-assignment/1 bundle`);
  return b;
}
