// The number-preserving JSON parser against JSON.parse on random documents.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseJson, JsonNumber, JsonSyntaxError, type JsonValue } from "../../engine/sql/datasources/json-text";

const plain = (v: JsonValue): unknown => {
  if (v instanceof JsonNumber) return Number(v.text);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
};

describe("parseJson", () => {
  it("agrees with JSON.parse on random documents (with and without whitespace)", () => {
    fc.assert(fc.property(fc.jsonValue(), fc.boolean(), (v, pretty) => {
      const text = JSON.stringify(v, null, pretty ? 2 : undefined);
      expect(plain(parseJson(text))).toEqual(JSON.parse(text));
    }), { numRuns: 500 });
  });

  it("keeps number text (1 vs 1.0) and rejects what JSON.parse rejects", () => {
    expect((parseJson("1.0") as JsonNumber).text).toBe("1.0");
    expect((parseJson('{"a":12345678901234567890}') as Record<string, JsonNumber>).a!.text).toBe("12345678901234567890");
    for (const bad of ["{", "[1,]", '{"a" 1}', "01", '"abc', "tru", "{} x"]) {
      expect(() => parseJson(bad), bad).toThrow(JsonSyntaxError);
    }
    expect(plain(parseJson("{'a': NaN}"))).toEqual({ a: NaN }); // Jackson leniency Spark enables
  });
});
