// Draws the kernelspec's logos (PNG 32x32 and 64x64, plus SVG) in code, so the repository holds
// no binary files: a blue square with three white "partition" bars of growing length.

import { deflateSync } from "node:zlib";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function pixel(x: number, y: number, size: number): [number, number, number, number] {
  const u = x / size, v = y / size;
  const bars = [[0.22, 0.45], [0.44, 0.65], [0.66, 0.85]] as const;
  for (let i = 0; i < 3; i++) {
    const [top, right] = [0.2 + i * 0.22, bars[i]![1]];
    if (v >= top && v < top + 0.14 && u >= 0.15 && u < right) return [255, 255, 255, 255];
  }
  return [0x2f, 0x6f, 0xb0, 255];
}

export function logoPng(size: number): Buffer {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x, y, size), y * (size * 4 + 1) + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

export function logoSvg(): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 100 100"><rect width="100" height="100" fill="#2f6fb0"/><rect x="15" y="20" width="30" height="14" fill="#fff"/><rect x="15" y="42" width="50" height="14" fill="#fff"/><rect x="15" y="64" width="70" height="14" fill="#fff"/></svg>\n`;
}
