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
 * Fills the picture: pixel i is heap word i. Reads two words per nibble byte; a byte whose XOR
 * with the previous stop is zero takes the plain palette. Pixels past the last word are empty.
 */
export function fillPicture(out: Uint32Array, nibbles: Uint8Array, diff: Uint8Array, words: number, normal: Uint32Array, changed: Uint32Array): void {
  const pairs = words >>> 1;
  for (let i = 0; i < pairs; i++) {
    const b = nibbles[i];
    const d = diff[i];
    const j = i << 1;
    if (d === 0) {
      out[j] = normal[b & 15];
      out[j + 1] = normal[b >> 4];
    } else {
      out[j] = (d & 15 ? changed : normal)[b & 15];
      out[j + 1] = (d >> 4 ? changed : normal)[b >> 4];
    }
  }
  if (words & 1) {
    const b = nibbles[pairs] ?? 0;
    out[words - 1] = ((diff[pairs] ?? 0) & 15 ? changed : normal)[b & 15];
  }
  out.fill(normal[0], words);
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
