// A select item (`expr [AS] alias`, `expr AS (a, b)`) and identifier lists: shared by SELECT
// lists, selectExpr / F.expr text, CTE and alias column lists.

import type { SelectItem } from "./ast";
import type { Cursor } from "./cursor";
import { parseExpr } from "./expression-parser";

/** `(a, b, c)` */
export function parseIdentList(c: Cursor): string[] {
  c.expectOp("(");
  const out = [c.identifier(true)];
  while (c.acceptOp(",")) out.push(c.identifier(true));
  c.expectOp(")");
  return out;
}

/** `expr`, `expr alias`, `expr AS alias`, `expr AS (k, v)`. An implicit alias must not be a reserved word. */
export function parseSelectItemAt(c: Cursor): SelectItem {
  const pos = c.pos();
  const expr = parseExpr(c);
  const item: SelectItem = { pos, expr };
  if (c.acceptKw("AS")) {
    if (c.isOp("(")) item.aliases = parseIdentList(c);
    else item.alias = c.identifier(true);
  } else if (c.isIdent()) {
    item.alias = c.identifier();
  }
  return item;
}
