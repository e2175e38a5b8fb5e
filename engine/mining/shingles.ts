// Shingling and Jaccard similarity (lecture 3): a document becomes the set of its k-shingles,
// runs of k characters or k words; two documents are as similar as their shingle sets overlap.

import { AnalysisError } from "../common/errors";

export interface ShingleOptions {
  /** "char" (default): k consecutive characters; "word": k consecutive words. */
  unit?: "char" | "word";
  /** Lower-case and collapse runs of white space first (default true). */
  normalize?: boolean;
}

/** The set of k-shingles of a text. A text shorter than k gives one shingle (itself) if non-empty. */
export function shingles(text: string, k: number, opts: ShingleOptions = {}): Set<string> {
  if (!Number.isInteger(k) || k < 1) throw new AnalysisError("INVALID_PARAMETER_VALUE", `shingle size k must be a positive integer, got ${String(k)}`);
  const unit = opts.unit ?? "char";
  if (unit !== "char" && unit !== "word") throw new AnalysisError("INVALID_PARAMETER_VALUE", `unit must be "char" or "word", got ${JSON.stringify(unit)}`);
  const t = opts.normalize === false ? text : text.toLowerCase().replace(/\s+/g, " ").trim();
  const out = new Set<string>();
  if (unit === "char") {
    const cs = [...t];
    if (cs.length === 0) return out;
    if (cs.length < k) { out.add(cs.join("")); return out; }
    for (let i = 0; i + k <= cs.length; i++) out.add(cs.slice(i, i + k).join(""));
    return out;
  }
  const ws = t.split(" ").filter(Boolean);
  if (ws.length === 0) return out;
  if (ws.length < k) { out.add(ws.join(" ")); return out; }
  for (let i = 0; i + k <= ws.length; i++) out.add(ws.slice(i, i + k).join(" "));
  return out;
}

/** |A ∩ B| / |A ∪ B| (1 for two empty sets). */
export function jaccard<T>(a: Iterable<T>, b: Iterable<T>): number {
  const A = a instanceof Set ? a as Set<T> : new Set(a);
  const B = b instanceof Set ? b as Set<T> : new Set(b);
  if (A.size === 0 && B.size === 0) return 1;
  let inter = 0;
  const [small, big] = A.size <= B.size ? [A, B] : [B, A];
  for (const x of small) if (big.has(x)) inter++;
  return inter / (A.size + B.size - inter);
}
