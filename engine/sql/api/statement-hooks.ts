// Extension seam for table formats above the SQL core (engine/lake registers Delta here): SQL
// statements the core parses but does not execute itself (DESCRIBE HISTORY, ...) and time travel
// on file relations (`delta.\`path\` VERSION AS OF 3`). Topic packages may not be imported by the
// SQL layer, so they register handlers at module load instead.

import type { Statement } from "../parser";
import type { DataFrame } from "./dataframe";
import type { SqlSession } from "./sql-session";

/** A statement's result, or undefined when the handler leaves it to the core (CREATE TABLE of another format). */
export type StatementHandler = (session: SqlSession, stmt: Statement, text: string) => DataFrame | undefined;
/** A file relation at a version / timestamp, or undefined when the format has no versions. */
export type TimeTravelHandler = (session: SqlSession, format: string, path: string, at: { version?: number; timestamp?: string }) => DataFrame | undefined;

const statements = new Map<string, StatementHandler>();
let timeTravel: TimeTravelHandler | undefined;

export function registerStatementHandler(kind: string, h: StatementHandler): void { statements.set(kind, h); }
export function statementHandler(kind: string): StatementHandler | undefined { return statements.get(kind); }
export function registerTimeTravelHandler(h: TimeTravelHandler): void { timeTravel = h; }
export function timeTravelHandler(): TimeTravelHandler | undefined { return timeTravel; }

/** A command's DataFrame -> the promise of its completion (spark.sqlAsync waits for it). */
export type StatementCompletion = (df: DataFrame) => Promise<unknown> | undefined;
const completions: StatementCompletion[] = [];
export function registerStatementCompletion(c: StatementCompletion): void { completions.push(c); }
/** Resolves when the command behind `df` (if any) has finished; rejects with its error. */
export async function statementCompletion(df: DataFrame): Promise<void> {
  for (const c of completions) { const p = c(df); if (p) await p; }
}
