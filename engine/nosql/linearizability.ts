// A linearizability checker for one register (one key), after Wing & Gong with the memoisation of
// Lowe's refinement: a history is linearizable when its operations can be put in one order that
// respects real time (an operation that completed before another was invoked comes first) and in
// which every read returns the value of the latest write before it. Used to show, with a history
// recorded from concurrent clients, that quorum reads with a write-back (R + W > N, ABD) are
// linearizable and that W = R = 1 is not.

export interface RegisterOp {
  kind: "read" | "write";
  /** Value written, or value a read returned (undefined: the key was absent). */
  value: unknown;
  /** When the client called it and when it returned (same clock, e.g. performance.now()). */
  invoke: number;
  /** Infinity for a write whose outcome is unknown (it failed or timed out): it may or may not have happened. */
  complete: number;
  /** Who ran it (for the report). */
  client?: string | number;
}

export interface LinearizabilityResult {
  ok: boolean;
  /** A witness order (indexes into the history) when ok. */
  order?: number[];
  /** When not ok: the longest prefix that could be linearized and the operations none of which could come next. */
  longestPrefix?: number[];
  stuckAt?: number[];
  explanation?: string;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Search for a linearization of a single-register history; `initial` is the value before any write. */
export function checkLinearizable(history: readonly RegisterOp[], initial: unknown = undefined): LinearizabilityResult {
  const n = history.length;
  const done = new Uint8Array(n);
  const order: number[] = [];
  const seen = new Set<string>();
  let best: number[] = [], bestStuck: number[] = [];
  // Operations whose outcome is unknown need not be placed at all.
  const required = history.map((o) => o.complete !== Infinity);
  const stateKey = (value: unknown) => `${Array.from(done).join("")}|${JSON.stringify(value) ?? "u"}`;

  const search = (value: unknown): boolean => {
    if (history.every((_, i) => done[i] || !required[i])) return true;
    const key = stateKey(value);
    if (seen.has(key)) return false;
    seen.add(key);
    // Candidates: not done, invoked before every pending required operation completed.
    let minComplete = Infinity;
    for (let i = 0; i < n; i++) if (!done[i] && history[i]!.complete < minComplete) minComplete = history[i]!.complete;
    const cands: number[] = [];
    for (let i = 0; i < n; i++) if (!done[i] && history[i]!.invoke <= minComplete) cands.push(i);
    for (const i of cands) {
      const op = history[i]!;
      if (op.kind === "read" && !same(op.value, value)) continue;
      done[i] = 1; order.push(i);
      if (search(op.kind === "write" ? op.value : value)) return true;
      done[i] = 0; order.pop();
    }
    if (order.length >= best.length) { best = order.slice(); bestStuck = cands; }
    return false;
  };

  if (search(initial)) return { ok: true, order: order.slice() };
  const after = best.length > 0 ? history[best.at(-1)!] : undefined;
  const current = best.reduce<unknown>((v, i) => (history[i]!.kind === "write" ? history[i]!.value : v), initial);
  const reads = bestStuck.filter((i) => history[i]!.kind === "read").map((i) => `read ${JSON.stringify(history[i]!.value)}${history[i]!.client !== undefined ? ` by ${history[i]!.client}` : ""}`);
  return {
    ok: false, longestPrefix: best, stuckAt: bestStuck,
    explanation: `after ${best.length} operations${after ? ` (the last a ${after.kind} of ${JSON.stringify(after.value)})` : ""} the register holds ${JSON.stringify(current)}, but no operation that may come next fits${reads.length > 0 ? `: ${reads.join(", ")}` : ""}`,
  };
}
