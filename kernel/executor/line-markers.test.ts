import { describe, expect, it } from "vitest";
import { insertLineMarkers, stripLineMarkers, userLineAt } from "./line-markers";

describe("line markers", () => {
  it("marks each line's first token, never inside strings, templates or comments", () => {
    const src = [
      "const a = 1;",
      "// %module-like comment",
      "const s = `x",
      "  y ${a}",
      "z`;",
      "/* block",
      "   still comment */",
      "  f(a)",
      "",
    ].join("\n");
    const { code, shift } = insertLineMarkers(src);
    const lines = code.split("\n");
    expect(lines[0]).toBe("/*@1*/const a = 1;");
    expect(lines[1]).toBe("// %module-like comment");
    expect(lines[2]).toBe("/*@3*/const s = `x");
    expect(lines[3]).toBe("  y ${a}");
    expect(lines[4]).toBe("z`;");
    expect(lines[6]).toBe("   still comment */");
    expect(lines[7]).toBe("  /*@8*/f(a)");
    expect(shift[0]).toBe("/*@1*/".length);
    expect(shift[1]).toBe(0);
    expect(stripLineMarkers(code)).toBe(src);
  });

  it("leaves multi-line import and export clauses unmarked (tslab reads their names from the text)", () => {
    const src = 'import {\n  F,\n  col,\n} from "bigdata-workbench";\nexport {\n  x,\n};\nconst x = 1;';
    const lines = insertLineMarkers(src).code.split("\n");
    expect(lines.slice(0, 4)).toEqual(['/*@1*/import {', "  F,", "  col,", '} from "bigdata-workbench";']);
    expect(lines.slice(4, 7)).toEqual(["/*@5*/export {", "  x,", "};"]);
    expect(lines[7]).toBe("/*@8*/const x = 1;");
  });

  it("maps an emitted position to the last marker before it", () => {
    const emitted = "/*@1*/const a = 1;\nfunction f() {\n  /*@3*/return a;\n}\n/*@5*/f();";
    expect(userLineAt(emitted, 1, 8)).toBe(1);
    expect(userLineAt(emitted, 3, 10)).toBe(3);
    expect(userLineAt(emitted, 5, 7)).toBe(5);
    expect(userLineAt("no markers", 1, 1)).toBeUndefined();
  });
});
