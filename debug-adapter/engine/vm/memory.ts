// Simulated memory: one flat little-endian ArrayBuffer seen through typed views, a page table
// of mapped 4 KiB pages, and the address-space layout of the VM (guard, data/bss, runtime
// structures, goroutine stacks, the region runtime·SysAlloc maps from).
import { Buffer } from 'node:buffer';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;

/** Function pointers are small odd-looking addresses in the never-mapped first 64 KiB. */
export const FUNC_BASE = 0x1000;
export const FUNC_STRIDE = 4;
export const DATA_BASE = 0x10000;
export const STACK_SIZE = 64 * 1024;
export const STACK_GUARD = 256;

export interface Layout {
  dataEnd: number; // end of globals + string literals
  structBase: number; // M/G/P structures allocated by the VM
  structEnd: number;
  stackBase: number; // goroutine stacks
  stackEnd: number;
  heapBase: number; // runtime·SysAlloc region
  heapEnd: number;
}

const align = (n: number, a: number) => Math.ceil(n / a) * a;

export function makeLayout(dataSize: number, heapBytes: number, maxStacks: number): Layout {
  const dataEnd = DATA_BASE + dataSize;
  const structBase = align(dataEnd, 0x10000);
  const structEnd = structBase + 0x40000;
  const stackBase = structEnd;
  const stackEnd = stackBase + maxStacks * STACK_SIZE;
  const heapBase = align(stackEnd, 0x10000);
  return { dataEnd, structBase, structEnd, stackBase, stackEnd, heapBase, heapEnd: heapBase + heapBytes };
}

export class SimFault extends Error {
  constructor(
    message: string,
    readonly kind: 'fault' | 'throw' | 'invariant' = 'fault',
  ) {
    super(message);
  }
}

export const hex = (n: number): string => '0x' + (n >>> 0).toString(16);

export class Memory {
  readonly buffer: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly dv: DataView;
  /** 1 where a 4 KiB page is mapped. */
  readonly mapped: Uint8Array;
  /**
   * 1 where a page of the SysAlloc region may differ from the same page of `lastSnapshot`:
   * every write into that region marks its page (the compiled stores, the builtins, the
   * debugger's writes; `markWritten`), and capture and restore clear the marks. Snapshots
   * then skip the unmarked pages of the heap — most of the mapped memory — without comparing
   * or copying them. Pages below the heap (globals, runtime structures, stacks: written in
   * more ways, and small) are always compared.
   */
  readonly written: Uint8Array;
  /** The first page `written` keeps track of (the SysAlloc region's). */
  readonly trackedFrom: number;
  /**
   * The snapshot this memory was last captured to or restored from: the default base of the
   * next snapshot, so that repeated snapshots copy only the pages that changed in between.
   */
  lastSnapshot: MemorySnapshot | undefined;

  constructor(readonly layout: Layout) {
    this.buffer = new ArrayBuffer(layout.heapEnd);
    this.u8 = new Uint8Array(this.buffer);
    this.i8 = new Int8Array(this.buffer);
    this.u16 = new Uint16Array(this.buffer);
    this.i16 = new Int16Array(this.buffer);
    this.u32 = new Uint32Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.dv = new DataView(this.buffer);
    this.mapped = new Uint8Array(layout.heapEnd >>> PAGE_SHIFT);
    this.written = new Uint8Array(layout.heapEnd >>> PAGE_SHIFT);
    this.trackedFrom = layout.heapBase >>> PAGE_SHIFT;
  }

  /** Marks the pages of [addr, addr+len) as written since the last snapshot. */
  markWritten(addr: number, len: number): void {
    if (len <= 0) return;
    this.written.fill(1, addr >>> PAGE_SHIFT, ((addr + len - 1) >>> PAGE_SHIFT) + 1);
  }

  map(addr: number, len: number): void {
    this.mapped.fill(1, addr >>> PAGE_SHIFT, (addr + len + PAGE_SIZE - 1) >>> PAGE_SHIFT);
  }
  unmap(addr: number, len: number): void {
    this.mapped.fill(0, addr >>> PAGE_SHIFT, (addr + len + PAGE_SIZE - 1) >>> PAGE_SHIFT);
  }
  isMapped(addr: number, len: number): boolean {
    if (addr <= 0 || addr + len > this.buffer.byteLength) return false;
    for (let p = addr >>> PAGE_SHIFT; p <= (addr + len - 1) >>> PAGE_SHIFT; p++) if (this.mapped[p] !== 1) return false;
    return true;
  }

  check(addr: number, len: number, what: string): void {
    if (!this.isMapped(addr, len)) {
      throw new SimFault(addr >= 0 && addr < PAGE_SIZE ? `nil pointer dereference (${what} of ${len} bytes at ${hex(addr)})` : `${what} of unmapped address ${hex(addr)}`);
    }
  }

  /** Slow path of every load: checks mapping and reads through the DataView (unaligned allowed). */
  load(addr: number, size: 1 | 2 | 4, signed: boolean): number {
    this.check(addr, size, 'read');
    if (size === 1) return signed ? this.dv.getInt8(addr) : this.dv.getUint8(addr);
    if (size === 2) return signed ? this.dv.getInt16(addr, true) : this.dv.getUint16(addr, true);
    return signed ? this.dv.getInt32(addr, true) : this.dv.getUint32(addr, true);
  }
  store(addr: number, size: 1 | 2 | 4, value: number): void {
    this.check(addr, size, 'write');
    this.markWritten(addr, size);
    if (size === 1) this.dv.setUint8(addr, value);
    else if (size === 2) this.dv.setUint16(addr, value, true);
    else this.dv.setUint32(addr, value >>> 0, true);
  }
  load64(addr: number, signed: boolean): bigint {
    this.check(addr, 8, 'read');
    const v = BigInt(this.dv.getUint32(addr, true)) | (BigInt(this.dv.getUint32(addr + 4, true)) << 32n);
    return signed ? BigInt.asIntN(64, v) : v;
  }
  store64(addr: number, value: bigint): void {
    this.check(addr, 8, 'write');
    this.markWritten(addr, 8);
    this.dv.setUint32(addr, Number(value & 0xffffffffn), true);
    this.dv.setUint32(addr + 4, Number((value >> 32n) & 0xffffffffn), true);
  }
  /** Reads a NUL-terminated string (at most max bytes). */
  cstring(addr: number, max = 4096): string {
    const bytes: number[] = [];
    for (let a = addr; bytes.length < max; a++) {
      this.check(a, 1, 'read');
      const b = this.u8[a];
      if (b === 0) break;
      bytes.push(b);
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
  }

  /** The mapped pages as runs [startPage, endPage). */
  mappedRuns(): [number, number][] {
    const runs: [number, number][] = [];
    const m = this.mapped;
    let p = 0;
    while (p < m.length) {
      if (m[p] !== 1) {
        p++;
        continue;
      }
      const s = p;
      while (p < m.length && m[p] === 1) p++;
      runs.push([s, p]);
    }
    return runs;
  }
}

/**
 * A copy of the mapped memory: the page table and one byte array per mapped page. Pages equal
 * to the same page of a base snapshot share its array, so a history of snapshots holds each
 * version of a page once; `ownBytes` counts the pages this snapshot added.
 */
export interface MemorySnapshot {
  mapped: Uint8Array;
  pages: (Uint8Array | undefined)[];
  ownBytes: number;
}

/** Whether a saved page still equals the page in memory (a native memcmp). */
function samePage(saved: Uint8Array, mem: Memory, page: number): boolean {
  return Buffer.compare(saved, mem.u8.subarray(page << PAGE_SHIFT, (page + 1) << PAGE_SHIFT)) === 0;
}

/**
 * The saved page that certainly equals page `p` of memory now without looking at it: the
 * page of the last snapshot taken or restored, when `p` is a tracked page not written since.
 */
function knownPage(mem: Memory, p: number): Uint8Array | undefined {
  return p >= mem.trackedFrom && mem.written[p] === 0 ? mem.lastSnapshot?.pages[p] : undefined;
}

/**
 * Captures the mapped memory. A page is shared, not copied, when it is known unchanged since
 * the last snapshot (`knownPage`) or equals the same page of `base` — by default the snapshot
 * this memory was last captured to or restored from.
 */
export function snapshotMemory(mem: Memory, base: MemorySnapshot | undefined = mem.lastSnapshot): MemorySnapshot {
  const pages: (Uint8Array | undefined)[] = new Array(mem.mapped.length);
  const changed: number[] = [];
  for (const [s, e] of mem.mappedRuns()) {
    for (let p = s; p < e; p++) {
      const known = knownPage(mem, p);
      const prev = base?.pages[p];
      if (known) pages[p] = known;
      else if (prev && samePage(prev, mem, p)) pages[p] = prev;
      else changed.push(p);
    }
  }
  // one allocation for every page that changed (many small ArrayBuffers are slow to make)
  // every byte is written below: no need to zero it first
  const store: Uint8Array = Buffer.allocUnsafeSlow(changed.length * PAGE_SIZE);
  changed.forEach((p, i) => {
    const copy = store.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
    copy.set(mem.u8.subarray(p << PAGE_SHIFT, (p + 1) << PAGE_SHIFT));
    pages[p] = copy;
  });
  const snapshot = { mapped: mem.mapped.slice(), pages, ownBytes: store.byteLength };
  mem.lastSnapshot = snapshot;
  mem.written.fill(0);
  return snapshot;
}

/** Puts the snapshot's pages back, skipping those known to hold its bytes already. */
export function restoreMemory(mem: Memory, snap: MemorySnapshot): void {
  // clear pages mapped now but not in the snapshot, then copy the snapshot's pages back
  for (const [s, e] of mem.mappedRuns()) for (let p = s; p < e; p++) if (!snap.pages[p]) mem.u8.fill(0, p << PAGE_SHIFT, (p + 1) << PAGE_SHIFT);
  mem.mapped.set(snap.mapped);
  const pages = snap.pages;
  for (let p = 0; p < pages.length; p++) {
    const bytes = pages[p];
    if (bytes && knownPage(mem, p) !== bytes) mem.u8.set(bytes, p << PAGE_SHIFT);
  }
  mem.lastSnapshot = snap;
  mem.written.fill(0);
}
