// Draws the extension icon (images/icon.png, 128×128): a span's slots as an 8×8 grid —
// swept (blue), marked live (green), free (grey) — with the sweeper's diagonal front in amber.
// Plain Node (zlib for the PNG's deflate stream), so it needs no image tool: `node scripts/make-icon.mjs`.
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'images', 'icon.png');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const BG = [30, 34, 42, 255];
const COLORS = { swept: [64, 132, 214, 255], live: [80, 190, 120, 255], free: [96, 104, 118, 255], front: [240, 176, 48, 255] };
const pixels = Buffer.alloc(SIZE * SIZE * 4);
function put(x, y, rgba) {
  const i = (y * SIZE + x) * 4;
  pixels[i] = rgba[0]; pixels[i + 1] = rgba[1]; pixels[i + 2] = rgba[2]; pixels[i + 3] = rgba[3];
}
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    // rounded square background
    const cx = Math.max(12 - x, x - (SIZE - 13), 0);
    const cy = Math.max(12 - y, y - (SIZE - 13), 0);
    put(x, y, cx * cx + cy * cy <= 144 ? BG : [0, 0, 0, 0]);
  }
}
const CELL = 13, GAP = 1, ORIGIN = 12;
for (let row = 0; row < 8; row++) {
  for (let col = 0; col < 8; col++) {
    const d = row + col; // the sweep front runs along d == 8
    const kind = d === 8 ? 'front' : d < 8 ? ((row * 3 + col * 5) % 4 === 0 ? 'live' : 'swept') : (row * 7 + col) % 3 === 0 ? 'live' : 'free';
    for (let y = 0; y < CELL - GAP; y++) for (let x = 0; x < CELL - GAP; x++) put(ORIGIN + col * CELL + x, ORIGIN + row * CELL + y, COLORS[kind]);
  }
}
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0; // filter: none
  pixels.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]));
console.log(`make-icon: wrote ${path.relative(process.cwd(), out)}`);
