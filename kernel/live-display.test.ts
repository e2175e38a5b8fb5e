// Live values (a streaming query's panel) keep their display up to date: display(x) subscribes
// through x[LIVE_DISPLAY] and every pushed bundle becomes an update of the same display id.
import { describe, expect, it } from "vitest";
import { createDisplay, LIVE_DISPLAY, liveDisplayOf, type DisplayContent, type DisplaySink } from "./display";

describe("live display", () => {
  it("display() of a live value sends updates with its display id", async () => {
    const sent: Array<{ content: DisplayContent; id: string | undefined; update: boolean }> = [];
    const sink: DisplaySink = { display: (content, id, update) => sent.push({ content, id, update }), clear: () => {} };
    const display = createDisplay(() => sink);
    let push: ((b: Record<string, unknown>) => void) | undefined;
    const live = {
      _repr_mimebundle_: () => ({ "text/plain": "v0" }),
      [LIVE_DISPLAY]: (update: (b: Record<string, unknown>) => void) => { push = update; return () => { push = undefined; }; },
    };
    expect(liveDisplayOf(live)).toBeTypeOf("function");
    expect(liveDisplayOf({})).toBeUndefined();
    const h = await display(live);
    push!({ "text/plain": "v1" });
    push!({ "text/plain": "v2" });
    expect(sent.map((s) => [s.content.data["text/plain"], s.id, s.update])).toEqual([["v0", h.displayId, false], ["v1", h.displayId, true], ["v2", h.displayId, true]]);
  });
});
