// An instructor notebook read as an assignment: graded test cells (nbgrader metadata grade: true,
// grade_id, points), solution cells (BEGIN SOLUTION markers or nbgrader solution: true) and locked
// cells. From it come the student notebook (stubs, public tests only, locked cells checksummed)
// and the bundle the grader uses (every test, hidden ones included, and the student template).

import { createHash } from "node:crypto";
import { AssignmentError, hasImport, hasSolution, publicTests, solutionSource, splitHidden, stubSolutions } from "./markers";

type Source = string | string[];
export interface NbCell {
  cell_type: string;
  id?: string;
  source: Source;
  metadata: Record<string, unknown>;
  outputs?: unknown[];
  execution_count?: number | null;
  [k: string]: unknown;
}
export interface Nb {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NbCell[];
}

/** nbgrader's cell metadata (schema 3). */
export interface NbgraderMeta {
  grade?: boolean;
  solution?: boolean;
  locked?: boolean;
  grade_id?: string;
  points?: number;
  checksum?: string;
  schema_version?: number;
}

export interface Question {
  id: string;
  points: number;
  /** The whole test cell, hidden tests included. */
  tests: string;
}

export interface AssignmentBundle {
  format: "bigdata-assignment/1";
  name: string;
  totalPoints: number;
  questions: Question[];
  /** The student notebook: the grader restores its locked cells and re-inserts deleted ones. */
  template: Nb;
}

export const text = (s: Source): string => (Array.isArray(s) ? s.join("") : s);

/** nbformat source lines: every line but the last ends in "\n". */
export function lines(s: string): string[] {
  const parts = s.split("\n");
  return parts.map((l, i) => (i < parts.length - 1 ? l + "\n" : l)).filter((l) => l !== "");
}

export function nbgrader(cell: NbCell): NbgraderMeta | undefined {
  const m = cell.metadata?.nbgrader;
  return m && typeof m === "object" ? (m as NbgraderMeta) : undefined;
}

/** What a locked cell must keep: its kind, source and grading metadata. */
export function cellChecksum(cell: NbCell): string {
  const m = nbgrader(cell) ?? {};
  const canon = JSON.stringify([cell.cell_type, text(cell.source).trim(), !!m.grade, !!m.solution, m.points ?? 0, m.grade_id ?? ""]);
  return createHash("sha256").update(canon).digest("hex");
}

function describe(i: number, cell: NbCell): string {
  return `cell ${i}${cell.id ? ` (id ${cell.id})` : ""}`;
}

/**
 * Reads the instructor notebook: the questions, the student notebook, the bundle, and the solution
 * as a submission (the student notebook with the solutions filled in), which must score full marks.
 */
export function buildAssignment(instructor: Nb, name: string): { student: Nb; bundle: AssignmentBundle; solution: Nb } {
  const questions: Question[] = [];
  const ids = new Set<string>();
  const student: Nb = { ...structuredClone(instructor), cells: [] };
  const solution: Nb = { ...structuredClone(instructor), cells: [] };
  instructor.cells.forEach((orig, i) => {
    const cell = structuredClone(orig);
    const where = describe(i, cell);
    const src = text(cell.source);
    const meta: NbgraderMeta = { ...(nbgrader(cell) ?? {}) };
    if (cell.cell_type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
    }
    const isSolution = cell.cell_type === "code" && (meta.solution === true || hasSolution(src));
    if (meta.grade_id !== undefined) {
      if (typeof meta.grade_id !== "string" || !/^[\w.-]+$/.test(meta.grade_id)) throw new AssignmentError(`${where}: nbgrader.grade_id must be letters, digits, "-", "_" or ".", got ${JSON.stringify(meta.grade_id)}`);
      if (ids.has(meta.grade_id)) throw new AssignmentError(`${where}: grade_id "${meta.grade_id}" is used by another cell too`);
      ids.add(meta.grade_id);
    }
    if (meta.grade) {
      if (cell.cell_type !== "code") throw new AssignmentError(`${where}: graded cells must be code cells (manually graded answers are not supported)`);
      if (!meta.grade_id) throw new AssignmentError(`${where}: a graded test cell needs nbgrader.grade_id (the question id its test() calls use)`);
      if (typeof meta.points !== "number" || !(meta.points > 0)) throw new AssignmentError(`${where} (${meta.grade_id}): nbgrader.points must be a number > 0`);
      if (isSolution) throw new AssignmentError(`${where} (${meta.grade_id}): a test cell cannot also hold a solution; put the solution in its own cell`);
      if (hasImport(src)) throw new AssignmentError(`${where} (${meta.grade_id}): test cells cannot hold import declarations (import in an earlier cell)`);
      splitHidden(src, where);
      questions.push({ id: meta.grade_id, points: meta.points, tests: src });
      const pub = { ...cell, source: lines(publicTests(src, where)) };
      const nbMeta: NbgraderMeta = { grade: true, solution: false, locked: true, grade_id: meta.grade_id, points: meta.points, schema_version: 3 };
      pub.metadata = { ...cell.metadata, nbgrader: nbMeta, editable: false, deletable: false };
      nbMeta.checksum = cellChecksum(pub);
      student.cells.push(pub);
      solution.cells.push(pub);
      return;
    }
    if (isSolution) {
      const gid = meta.grade_id ?? `${cell.id ?? `cell-${i}`}-answer`;
      ids.add(gid);
      const nbMeta: NbgraderMeta = { grade: false, solution: true, locked: false, grade_id: gid, schema_version: 3 };
      student.cells.push({ ...cell, source: lines(stubSolutions(src, where)), metadata: { ...cell.metadata, nbgrader: nbMeta } });
      solution.cells.push({ ...cell, source: lines(solutionSource(src)), metadata: { ...cell.metadata, nbgrader: nbMeta } });
      return;
    }
    if (meta.locked) {
      const gid = meta.grade_id ?? `${cell.id ?? `cell-${i}`}-locked`;
      ids.add(gid);
      const nbMeta: NbgraderMeta = { grade: false, solution: false, locked: true, grade_id: gid, schema_version: 3 };
      const locked = { ...cell, metadata: { ...cell.metadata, nbgrader: nbMeta, editable: false, deletable: false } };
      nbMeta.checksum = cellChecksum(locked);
      student.cells.push(locked);
      solution.cells.push(locked);
      return;
    }
    student.cells.push(cell);
    solution.cells.push(cell);
  });
  if (!questions.length) throw new AssignmentError(`the notebook has no graded test cells (code cells with nbgrader metadata grade: true, grade_id and points)`);
  const totalPoints = questions.reduce((a, q) => a + q.points, 0);
  return { student, solution, bundle: { format: "bigdata-assignment/1", name, totalPoints, questions, template: student } };
}

export interface MergeNote {
  grade_id: string;
  what: "edited" | "deleted" | "duplicated";
}

/**
 * The notebook the grader runs: the submission's own cells, with every locked cell of the template
 * restored when edited (checksum), put back when deleted (after the cell that preceded it), and
 * kept once when duplicated.
 */
export function mergeSubmission(submission: Nb, template: Nb): { notebook: Nb; notes: MergeNote[] } {
  const locked = new Map<string, { cell: NbCell; index: number }>();
  template.cells.forEach((c, index) => {
    const m = nbgrader(c);
    if (m?.locked && m.grade_id) locked.set(m.grade_id, { cell: c, index });
  });
  const notes: MergeNote[] = [];
  const seen = new Set<string>();
  const out: NbCell[] = [];
  for (const c of submission.cells) {
    const gid = nbgrader(c)?.grade_id;
    const t = gid ? locked.get(gid) : undefined;
    if (!gid || !t) {
      out.push(c);
      continue;
    }
    if (seen.has(gid)) {
      notes.push({ grade_id: gid, what: "duplicated" });
      continue;
    }
    seen.add(gid);
    if (cellChecksum(c) !== nbgrader(t.cell)!.checksum || c.cell_type !== t.cell.cell_type) notes.push({ grade_id: gid, what: "edited" });
    out.push({ ...structuredClone(t.cell), outputs: [], execution_count: null });
  }
  // Deleted locked cells go back after the nearest earlier template cell that is present.
  for (const [gid, t] of [...locked].sort((a, b) => a[1].index - b[1].index)) {
    if (seen.has(gid)) continue;
    notes.push({ grade_id: gid, what: "deleted" });
    let at = 0;
    for (let k = t.index - 1; k >= 0; k--) {
      const prev = template.cells[k]!;
      const pid = nbgrader(prev)?.grade_id;
      const pos = out.findIndex((c) => (pid && nbgrader(c)?.grade_id === pid) || (!!prev.id && c.id === prev.id));
      if (pos >= 0) { at = pos + 1; break; }
    }
    const restored = structuredClone(t.cell);
    if (restored.cell_type === "code") { restored.outputs = []; restored.execution_count = null; }
    out.splice(at, 0, restored);
    seen.add(gid);
  }
  return { notebook: { ...submission, cells: out }, notes };
}
