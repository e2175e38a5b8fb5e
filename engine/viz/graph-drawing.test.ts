import { describe, expect, it } from "vitest";
import { renderGraph } from "./graph-drawing";

describe("renderGraph", () => {
  it("draws every vertex sized by its value, every edge as an arrow, self-loops outside the vertex; text lists vertices by value", () => {
    const b = renderGraph([{ id: "y", value: 0.4 }, { id: "a", value: 0.4 }, { id: "m", value: 0.2, group: 1 }],
      [{ src: "y", dst: "y" }, { src: "y", dst: "a" }, { src: "a", dst: "y" }, { src: "a", dst: "m" }, { src: "m", dst: "a" }, { src: "m", dst: "nowhere" }], { title: "web", valueName: "rank" });
    const svg = String(b["image/svg+xml"]);
    const circles = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)" fill="(#[0-9a-f]+|none)"/g)];
    const vertices = circles.filter((c) => c[4] !== "none");
    expect(vertices).toHaveLength(3);
    expect(Number(vertices[0]![3])).toBeGreaterThan(Number(vertices[2]![3])); // larger rank, larger circle
    expect(vertices[2]![4]).not.toBe(vertices[0]![4]);                       // another group, another colour
    expect(svg.match(/marker-end=/g)).toHaveLength(4);                       // an edge to a missing vertex is skipped
    const loop = circles.find((c) => c[4] === "none")!, y = vertices[0]!;
    expect(Math.hypot(Number(loop[1]) - Number(y[1]), Number(loop[2]) - Number(y[2]))).toBeGreaterThan(Number(y[3]));
    expect(String(b["text/plain"]).split("\n").slice(2).map((l) => l.trim().split(" ")[0])).toEqual(["y", "a", "m"]);
  });

  it("colours edges by their group (the partition holding them) and counts them per group in the text", () => {
    const b = renderGraph([{ id: 1 }, { id: 2 }, { id: 3 }], [{ src: 1, dst: 2, group: 0 }, { src: 2, dst: 3, group: 1 }, { src: 3, dst: 1, group: 0 }, { src: 1, dst: 3 }]);
    const strokes = [...String(b["image/svg+xml"]).matchAll(/<path [^>]*stroke="(#[0-9a-f]+)"/g)].map((m) => m[1]);
    expect(strokes).toHaveLength(4);
    expect(strokes[0]).toBe(strokes[2]);
    expect(strokes[0]).not.toBe(strokes[1]);
    expect(strokes[3]).toBe("#888");
    expect(String(b["text/plain"]).split("\n")[1]).toBe("3 vertices, 4 edges (group 0: 2, group 1: 1)");
  });
});
