// Generated text for word-count benchmarks: words drawn from a Zipf-like vocabulary, written in
// chunks so even 1 GB needs little memory. Deterministic for a given seed.
import { createWriteStream, existsSync, statSync } from "node:fs";

export async function generateText(path: string, bytes: number, vocabulary = 50_000, seed = 7): Promise<void> {
  if (existsSync(path) && statSync(path).size >= bytes) return;
  const words = Array.from({ length: vocabulary }, (_, i) => "w" + i.toString(36));
  let s = seed >>> 0;
  const rand = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
  const out = createWriteStream(path);
  let written = 0;
  while (written < bytes) {
    const lines: string[] = [];
    let chunk = 0;
    while (chunk < 1 << 20) {
      const n = 8 + Math.floor(rand() * 8);
      const line: string[] = [];
      for (let i = 0; i < n; i++) line.push(words[Math.floor(vocabulary * rand() ** 3)]!);
      const l = line.join(" ");
      lines.push(l);
      chunk += l.length + 1;
    }
    const text = lines.join("\n") + "\n";
    written += text.length;
    if (!out.write(text)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
}
