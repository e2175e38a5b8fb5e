import { describe, expect, it } from "vitest";
import { createDisplay, isDisplayHandle, plainText, toDisplayContent } from "./display";
import type { DisplayContent, DisplaySink } from "./display";

describe("display", () => {
  it("uses _repr_mimebundle_ (sync or async) and always keeps text/plain", async () => {
    const sync = { _repr_mimebundle_: () => ({ "text/html": "<b>x</b>" }) };
    const c1 = await toDisplayContent(sync);
    expect(c1.data["text/html"]).toBe("<b>x</b>");
    expect(typeof c1.data["text/plain"]).toBe("string");
    const asyncRepr = { _repr_mimebundle_: async () => [{ "text/plain": "p", "image/png": new Uint8Array([1, 2, 3]) }, { w: 1 }] };
    const c2 = await toDisplayContent(asyncRepr);
    expect(c2.data).toEqual({ "text/plain": "p", "image/png": Buffer.from([1, 2, 3]).toString("base64") });
    expect(c2.metadata).toEqual({ w: 1 });
  });

  it("shows other values as util.inspect text; strings unquoted only for display()", async () => {
    expect((await toDisplayContent([1, 2])).data).toEqual({ "text/plain": "[ 1, 2 ]" });
    expect((await toDisplayContent("hi")).data["text/plain"]).toBe("'hi'");
    expect((await toDisplayContent("hi", true)).data["text/plain"]).toBe("hi");
    expect(plainText({ a: 1 })).toBe("{ a: 1 }");
  });

  it("display() returns a handle that updates the same display id", async () => {
    const sent: Array<{ content: DisplayContent; id: string | undefined; update: boolean }> = [];
    const sink: DisplaySink = { display: (content, id, update) => sent.push({ content, id, update }), clear: () => {} };
    const display = createDisplay(() => sink);
    const h = await display("one");
    await h.update({ _repr_mimebundle_: () => ({ "text/plain": "two" }) });
    expect(sent.map((s) => [s.content.data["text/plain"], s.update])).toEqual([["one", false], ["two", true]]);
    expect(sent[0]!.id).toBe(h.displayId);
    expect(sent[1]!.id).toBe(h.displayId);
    expect(isDisplayHandle(h)).toBe(true);
    expect(isDisplayHandle({ displayId: "x" })).toBe(false);
  });
});
