// Cells of an instructor notebook (notebooks/assignments): solution cells, graded test cells and
// locked cells, with the nbgrader metadata `workbench assign` reads.

import { md, type CellSpec } from "./notebook-builder";

const nb = (fields: Record<string, unknown>) => ({ nbgrader: { schema_version: 3, ...fields } });

/** A cell with `// BEGIN SOLUTION` … `// END SOLUTION` regions the student fills in. */
export function solution(grade_id: string, cell: CellSpec): CellSpec {
  return { ...cell, metadata: nb({ grade: false, solution: true, locked: false, grade_id }) };
}

/** A graded test cell for question `grade_id` worth `points` (hidden tests between the markers). */
export function tests(grade_id: string, points: number, cell: CellSpec): CellSpec {
  return { ...cell, metadata: nb({ grade: true, solution: false, locked: true, grade_id, points }) };
}

/** A cell students may not change (setup, data); the grader restores it if edited. */
export function locked(grade_id: string, cell: CellSpec): CellSpec {
  return { ...cell, metadata: nb({ grade: false, solution: false, locked: true, grade_id }) };
}

/** The closing cell of every assignment. */
export function beforeYouSubmit(): CellSpec {
  return md`
    ## Before you submit

    Restart the kernel and run all cells: every \`check\` should say *public tests passed*. Then
    save the notebook and hand in the \`.ipynb\` file.
  `;
}
