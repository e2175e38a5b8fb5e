// Maps positions in the JavaScript tslab runs back to lines of the user's cell. tslab compiles
// without source maps, so before compiling we put a `/*@N*/` comment at the start of each source
// line (only where a comment is syntactically harmless); the emitter keeps comments, and the
// nearest marker before a stack position in the emitted code names the user's line.

import { tslabTs as ts } from "./tslab";

const MARK = (line: number) => `/*@${line}*/`;
const MARK_RE = /\/\*@(\d+)\*\//g;

export interface MarkedSource {
  code: string;
  /** Length of the marker inserted at the start of each 0-based line (0 when none). */
  shift: number[];
}

/** Ranges [start, end) where inserting a comment would change meaning: comments, strings, JSX. */
function unsafeRanges(src: string): Array<[number, number]> {
  const sf = ts.createSourceFile("cell.tsx", src, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Array<[number, number]> = [];
  const comments = (pos: number) => {
    for (const r of ts.getLeadingCommentRanges(src, pos) ?? []) out.push([r.pos, r.end]);
    for (const r of ts.getTrailingCommentRanges(src, pos) ?? []) out.push([r.pos, r.end]);
  };
  const visit = (n: import("typescript").Node) => {
    comments(n.pos);
    comments(n.end);
    const k = n.kind;
    if (
      k === ts.SyntaxKind.StringLiteral || k === ts.SyntaxKind.NoSubstitutionTemplateLiteral ||
      k === ts.SyntaxKind.TemplateHead || k === ts.SyntaxKind.TemplateMiddle || k === ts.SyntaxKind.TemplateTail ||
      k === ts.SyntaxKind.RegularExpressionLiteral || k === ts.SyntaxKind.JsxText ||
      k === ts.SyntaxKind.JsxElement || k === ts.SyntaxKind.JsxSelfClosingElement || k === ts.SyntaxKind.JsxFragment ||
      // tslab rewrites imports from the import clause's text: a comment inside a multi-line
      // `import {\n  a,\n  b,\n} from "m"` made it lose the names (they were undefined in later cells).
      k === ts.SyntaxKind.ImportDeclaration || k === ts.SyntaxKind.ImportEqualsDeclaration || k === ts.SyntaxKind.ExportDeclaration
    ) {
      out.push([n.getStart(sf), n.end]);
      return;
    }
    n.forEachChild(visit);
  };
  visit(sf);
  comments(sf.endOfFileToken.pos);
  return out;
}

/** Inserts a line marker before the first token of every line where that is safe. */
export function insertLineMarkers(src: string): MarkedSource {
  const ranges = unsafeRanges(src);
  // A position is unsafe when it lies inside (or at the start of) a comment, or strictly inside a literal.
  const unsafe = (p: number) => ranges.some(([s, e]) => (p > s && p < e) || (p === s && src.startsWith("/", p) && /[/*]/.test(src[p + 1] ?? "")));
  const lines = src.split("\n");
  const shift: number[] = [];
  let offset = 0;
  const out: string[] = [];
  lines.forEach((line, i) => {
    const ws = /^\s*/.exec(line)![0].length;
    if (ws < line.length && !unsafe(offset + ws)) {
      const m = MARK(i + 1);
      out.push(line.slice(0, ws) + m + line.slice(ws));
      shift.push(m.length);
    } else {
      out.push(line);
      shift.push(0);
    }
    offset += line.length + 1;
  });
  return { code: out.join("\n"), shift };
}

/**
 * The user's 1-based line for a 1-based (line, column) position in emitted code: the last marker
 * that starts at or before the position. Undefined when no marker precedes it.
 */
export function userLineAt(emitted: string, line: number, column: number): number | undefined {
  const lines = emitted.split("\n");
  let pos = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) pos += lines[i]!.length + 1;
  pos += Math.max(0, column - 1);
  let found: number | undefined;
  MARK_RE.lastIndex = 0;
  for (let m = MARK_RE.exec(emitted); m && m.index <= pos; m = MARK_RE.exec(emitted)) found = Number(m[1]);
  return found;
}

/** Removes markers from text shown to the user (e.g. a function's source in an error). */
export function stripLineMarkers(text: string): string {
  return text.replace(MARK_RE, "");
}

/** The 1-based line on which a cell's last statement starts (the line of its displayed value). */
export function lastStatementLine(src: string): number | undefined {
  const sf = ts.createSourceFile("cell.ts", src, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const last = sf.statements[sf.statements.length - 1];
  return last ? sf.getLineAndCharacterOfPosition(last.getStart(sf)).line + 1 : undefined;
}
