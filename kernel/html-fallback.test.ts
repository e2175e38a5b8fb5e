import { describe, expect, it } from "vitest";
import { svgAsImages } from "./html-fallback";

const decode = (img: string) => Buffer.from(/base64,([^"]+)"/.exec(img)![1]!, "base64").toString("utf8");

describe("svgAsImages", () => {
  it("turns each outermost inline SVG into an <img> data URI holding exactly that SVG", () => {
    const a = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" aria-label="Job 3"><g><svg width="5"><rect/></svg></g><text>x &amp; y</text></svg>';
    const b = '<svg width="10" height="10"><circle r="3"/></svg>';
    const out = svgAsImages(`<div class="bdw-dag"><b>Job 3</b>${a}<p>between</p>${b}</div>`);
    const imgs = out.match(/<img [^>]*>/g)!;
    expect(imgs).toHaveLength(2);
    expect(out).not.toContain("<svg");
    expect(out.startsWith('<div class="bdw-dag"><b>Job 3</b><img alt="Job 3" width="120" ')).toBe(true);
    expect(out).toContain("<p>between</p>");
    expect(decode(imgs[0]!)).toBe(a);
    // an SVG without a namespace gets one, or browsers will not draw it as an image
    expect(decode(imgs[1]!)).toBe('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="3"/></svg>');
  });

  it("leaves HTML without SVG, and SVG that does not close, unchanged", () => {
    expect(svgAsImages("<table><tr><td>1</td></tr></table>")).toBe("<table><tr><td>1</td></tr></table>");
    expect(svgAsImages('<p>x</p><svg width="3"><rect/>')).toBe('<p>x</p><svg width="3"><rect/>');
    expect(svgAsImages("<svgfoo>not svg</svgfoo>")).toBe("<svgfoo>not svg</svgfoo>");
  });
});
