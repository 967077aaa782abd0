// Drawing the heap bitmap: the colour of each 4-bit pattern (from the VS Code theme), the fill of
// the whole arena picture (one pixel per heap word, one 8 KB page per row) into a Uint32Array
// over an ImageData, and the view transform (zoom and pan) that maps the picture to the canvas.
import { BIT_ALLOCATED, BIT_MARKED, BIT_SCAN, BIT_SPECIAL } from './bitmapModel';

/** Theme colours of the picture, as CSS colour strings. */
export interface BitmapColours {
  empty: string;
  allocated: string;
  scan: string;
  marked: string;
  special: string;
  boundary: string;
  changed: string;
}

/** Reads the colours from the theme's CSS variables, with fallbacks outside VS Code. */
export function themeColours(style: CSSStyleDeclaration): BitmapColours {
  const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  return {
    empty: v('--vscode-editor-background', '#1e1e1e'),
    allocated: v('--vscode-charts-blue', '#3794ff'),
    scan: v('--vscode-charts-purple', '#b180d7'),
    marked: v('--vscode-charts-green', '#89d185'),
    special: v('--vscode-charts-red', '#f14c4c'),
    boundary: v('--vscode-charts-orange', '#d18616'),
    changed: v('--vscode-charts-yellow', '#cca700'),
  };
}

/** [r, g, b, a] of any CSS colour, resolved by the browser itself. */
export function rgba(colour: string): [number, number, number, number] {
  const c = document.createElement('canvas');
  c.width = c.height = 1;
  const ctx = c.getContext('2d', { willReadFrequently: true });
  if (!ctx) return [0, 0, 0, 255];
  ctx.fillStyle = '#000';
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, 1, 1);
  const d = ctx.getImageData(0, 0, 1, 1).data;
  return [d[0], d[1], d[2], d[3]];
}

/** A pixel as ImageData stores it in a little-endian Uint32Array: 0xAABBGGRR. */
export function packed([r, g, b]: [number, number, number, number]): number {
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

function mix(a: [number, number, number, number], b: [number, number, number, number], t: number): [number, number, number, number] {
  return [0, 1, 2].map((i) => Math.round(a[i] * (1 - t) + b[i] * t)).concat(255) as [number, number, number, number];
}

/**
 * The 16 pattern colours and the 16 "changed since the last stop" colours. The colour of a
 * pattern is its strongest meaning: special > marked > scan > allocated > boundary; the changed
 * colour is the same for every pattern, so a change stands out whatever the bits became.
 */
export function palettes(c: BitmapColours): { normal: Uint32Array; changed: Uint32Array } {
  const base = {
    empty: rgba(c.empty), allocated: rgba(c.allocated), scan: rgba(c.scan), marked: rgba(c.marked),
    special: rgba(c.special), boundary: rgba(c.boundary), changed: rgba(c.changed),
  };
  const normal = new Uint32Array(16);
  const changed = new Uint32Array(16);
  for (let n = 0; n < 16; n++) {
    let col = base.empty;
    if (n & BIT_SPECIAL) col = base.special;
    else if (n & BIT_MARKED) col = n & BIT_SCAN ? mix(base.marked, base.scan, 0.3) : base.marked;
    else if (n & BIT_ALLOCATED) col = n & BIT_SCAN ? base.scan : base.allocated;
    else if (n & BIT_SCAN) col = base.boundary;
    normal[n] = packed(col);
    changed[n] = packed(base.changed);
  }
  return { normal, changed };
}

/**
 * Fills the picture, or the part of it for nibble bytes [from, to): pixel i is heap word i.
 * Reads the nibbles and their XOR with the previous stop 32 bits at a time (8 heap words): a
 * group with no change and no bits (most of a heap: only an object's first word has bits) is 8
 * stores of one colour; a group with bits is 8 table look-ups; only a group with a change tests
 * each word. A whole fill also empties the pixels past the last word.
 */
export function fillPicture(
  out: Uint32Array, nibbles: Uint8Array, diff: Uint8Array, words: number, normal: Uint32Array, changed: Uint32Array,
  from = 0, to = (words + 1) >>> 1,
): void {
  const pairs = Math.min(to, words >>> 1);
  const aligned = from % 4 === 0 && nibbles.byteOffset % 4 === 0 && diff.byteOffset % 4 === 0 && diff.length >= pairs;
  const g0 = aligned ? from >>> 2 : 0;
  const g1 = aligned ? pairs >>> 2 : 0;
  if (g1 > g0) {
    const n32 = new Int32Array(nibbles.buffer, nibbles.byteOffset, g1);
    const d32 = new Int32Array(diff.buffer, diff.byteOffset, g1);
    const empty = normal[0];
    for (let g = g0, j = g0 * 8; g < g1; g++, j += 8) {
      const v = n32[g];
      const d = d32[g];
      if (d === 0) {
        if (v === 0) {
          out[j] = empty; out[j + 1] = empty; out[j + 2] = empty; out[j + 3] = empty;
          out[j + 4] = empty; out[j + 5] = empty; out[j + 6] = empty; out[j + 7] = empty;
        } else {
          out[j] = normal[v & 15]; out[j + 1] = normal[(v >>> 4) & 15];
          out[j + 2] = normal[(v >>> 8) & 15]; out[j + 3] = normal[(v >>> 12) & 15];
          out[j + 4] = normal[(v >>> 16) & 15]; out[j + 5] = normal[(v >>> 20) & 15];
          out[j + 6] = normal[(v >>> 24) & 15]; out[j + 7] = normal[(v >>> 28) & 15];
        }
      } else {
        for (let k = 0; k < 8; k++) out[j + k] = ((d >>> (4 * k)) & 15 ? changed : normal)[(v >>> (4 * k)) & 15];
      }
    }
  }
  for (let i = Math.max(from, g1 * 4), j = i * 2; i < pairs; i++, j += 2) {
    const b = nibbles[i];
    const d = diff[i] ?? 0;
    out[j] = (d & 15 ? changed : normal)[b & 15];
    out[j + 1] = (d >> 4 ? changed : normal)[b >> 4];
  }
  if (words & 1 && to > words >>> 1) {
    const b = nibbles[words >>> 1] ?? 0;
    out[words - 1] = ((diff[words >>> 1] ?? 0) & 15 ? changed : normal)[b & 15];
  }
  if (from === 0 && to >= (words + 1) >>> 1) out.fill(normal[0], words);
}

/** Zoom and pan: screen pixel (x, y) shows picture point (ox + x / scale, oy + y / scale). */
export class ViewTransform {
  scale = 1;
  ox = 0;
  oy = 0;
  static readonly MIN_SCALE = 1 / 16;
  static readonly MAX_SCALE = 64;

  /** Fits a w×h picture in a vw×vh viewport. */
  fit(w: number, h: number, vw: number, vh: number): void {
    this.scale = clampScale(Math.min(vw / Math.max(w, 1), vh / Math.max(h, 1)));
    this.ox = -(vw / this.scale - w) / 2;
    this.oy = 0;
  }

  toPicture(x: number, y: number): [number, number] {
    return [this.ox + x / this.scale, this.oy + y / this.scale];
  }

  toScreen(px: number, py: number): [number, number] {
    return [(px - this.ox) * this.scale, (py - this.oy) * this.scale];
  }

  /** Zooms by a factor keeping the picture point under screen (x, y) in place. */
  zoomAt(factor: number, x: number, y: number): void {
    const [px, py] = this.toPicture(x, y);
    this.scale = clampScale(this.scale * factor);
    this.ox = px - x / this.scale;
    this.oy = py - y / this.scale;
  }

  panBy(dx: number, dy: number): void {
    this.ox -= dx / this.scale;
    this.oy -= dy / this.scale;
  }

  /** Puts picture point (px, py) at the centre of a vw×vh viewport. */
  centreOn(px: number, py: number, vw: number, vh: number): void {
    this.ox = px - vw / 2 / this.scale;
    this.oy = py - vh / 2 / this.scale;
  }
}

function clampScale(s: number): number {
  return Math.min(ViewTransform.MAX_SCALE, Math.max(ViewTransform.MIN_SCALE, s));
}
