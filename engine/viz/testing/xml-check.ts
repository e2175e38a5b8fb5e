// Test support: a small XML well-formedness check (no XML parser is installed) and a check that an
// output references nothing outside itself. Used by the renderer tests on SVG and XHTML-ish HTML.

const NAME = /^[A-Za-z_:][-A-Za-z0-9_.:]*$/;

/** Throws with a position when `xml` is not well-formed XML (one root, balanced tags, quoted attributes, known entities). */
export function assertWellFormedXml(xml: string): void {
  const stack: string[] = [];
  let i = 0;
  let roots = 0;
  const fail = (msg: string): never => {
    throw new Error(`${msg} at ${i}: ${JSON.stringify(xml.slice(Math.max(0, i - 40), i + 40))}`);
  };
  const checkText = (s: string) => {
    const amp = /&([^;\s]*);?/g;
    let m: RegExpExecArray | null;
    while ((m = amp.exec(s))) {
      if (!m[0].endsWith(";") || !/^(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+)$/.test(m[1]!)) fail(`bad entity ${m[0]}`);
    }
    if (s.includes("<")) fail("raw < in text");
  };
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    if (lt < 0) {
      const rest = xml.slice(i);
      if (stack.length) fail("unclosed " + stack[stack.length - 1]);
      if (rest.trim() !== "") fail("text after root");
      break;
    }
    const between = xml.slice(i, lt);
    if (stack.length === 0 && between.trim() !== "") fail("text outside root");
    checkText(between);
    i = lt;
    if (xml.startsWith("<!--", i)) {
      const end = xml.indexOf("-->", i);
      if (end < 0) fail("unclosed comment");
      i = end + 3;
      continue;
    }
    if (xml.startsWith("<?", i)) {
      const end = xml.indexOf("?>", i);
      if (end < 0) fail("unclosed PI");
      i = end + 2;
      continue;
    }
    if (xml.startsWith("<![CDATA[", i)) {
      const end = xml.indexOf("]]>", i);
      if (end < 0) fail("unclosed CDATA");
      i = end + 3;
      continue;
    }
    if (xml.startsWith("<!DOCTYPE", i)) {
      i = xml.indexOf(">", i) + 1;
      continue;
    }
    const gt = findTagEnd(xml, i);
    if (gt < 0) fail("unclosed tag");
    const tag = xml.slice(i + 1, gt);
    if (tag.startsWith("/")) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open !== name) fail(`</${name}> closes <${open}>`);
    } else {
      const selfClosing = tag.endsWith("/");
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const m = /^([^\s]+)([\s\S]*)$/.exec(body);
      if (!m || !NAME.test(m[1]!)) fail(`bad tag name in <${tag}>`);
      if (stack.length === 0) roots++;
      if (roots > 1) fail("more than one root");
      const attrs = m![2]!;
      const attrRe = /\s*([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/g;
      let consumed = 0;
      const seen = new Set<string>();
      let am: RegExpExecArray | null;
      while ((am = attrRe.exec(attrs))) {
        if (am.index !== consumed) fail(`junk in attributes of <${m![1]}>`);
        if (!NAME.test(am[1]!)) fail(`bad attribute name ${am[1]}`);
        if (seen.has(am[1]!)) fail(`duplicate attribute ${am[1]}`);
        seen.add(am[1]!);
        checkText(am[3] ?? am[4] ?? "");
        consumed = attrRe.lastIndex;
      }
      if (attrs.slice(consumed).trim() !== "") fail(`junk in attributes of <${m![1]}>: ${attrs.slice(consumed)}`);
      if (!selfClosing) stack.push(m![1]!);
    }
    i = gt + 1;
  }
  if (stack.length) fail("unclosed " + stack[stack.length - 1]);
  if (roots !== 1) fail("no root element");
}

function findTagEnd(s: string, from: number): number {
  let q: string | null = null;
  for (let j = from + 1; j < s.length; j++) {
    const c = s[j]!;
    if (q) {
      if (c === q) q = null;
    } else if (c === '"' || c === "'") q = c;
    else if (c === ">") return j;
    else if (c === "<") return -1;
  }
  return -1;
}

/** Every "http" (or "//host") in `s` must be an xmlns namespace value; nothing is fetched. */
export function externalReferences(s: string): string[] {
  const out: string[] = [];
  const re = /(https?:)?\/\/[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'<>)]*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    const before = s.slice(Math.max(0, m.index - 16), m.index);
    if (/xmlns(:\w+)?="$/.test(before)) continue;
    out.push(m[0]);
  }
  // url(...), src=, href= pointing anywhere but a fragment are external too.
  for (const m2 of s.matchAll(/(?:src|href|xlink:href)="(?!#)([^"]*)"/g)) out.push(m2[1]!);
  return out;
}
