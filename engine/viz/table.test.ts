// Notebook table: show() text, HTML with names and types, JSON payload.
import { describe, expect, it } from "vitest";
import { IntegerType, StringType, StructField, StructType, DoubleType } from "../sql/types";
import { renderTable } from "./table";
import { MIME } from "./mime";
import { assertWellFormedXml, externalReferences } from "../../test/fixtures/viz/xml-check";

const schema = new StructType([StructField("id", IntegerType, false), StructField("name", StringType), StructField("x", DoubleType)]);
const rows = [{ id: 1, name: "<b>Ann</b>", x: 1 }, { id: 2, name: null, x: NaN }];

describe("renderTable", () => {
  it("shows names, types and a 'showing N of M' caption", () => {
    const b = renderTable(schema, rows, { totalRows: 10 });
    const html = b[MIME.html] as string;
    assertWellFormedXml(html);
    expect(externalReferences(html)).toEqual([]);
    expect(html).toContain(">int<");
    expect(html).toContain(">string<");
    expect(html).toContain("showing 2 of 10 rows");
    expect(html).toContain("&lt;b&gt;Ann&lt;/b&gt;");
    expect(b[MIME.text]).toBe(
      ["+---+----------+---+", "| id|      name|  x|", "+---+----------+---+", "|  1|<b>Ann</b>|1.0|", "|  2|      null|NaN|", "+---+----------+---+", "only showing top 2 rows", ""].join("\n"),
    );
    expect(b[MIME.table]).toEqual({
      columns: [{ name: "id", type: "int", nullable: false }, { name: "name", type: "string", nullable: true }, { name: "x", type: "double", nullable: true }],
      rows: [[1, "<b>Ann</b>", 1], [2, null, "NaN"]],
      totalRows: 10,
    });
  });
});
