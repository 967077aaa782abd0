// The language server's view of files: open editor buffers overlay the disk (so unsaved edits
// are what gets analysed), disk reads are cached by mtime and size, and document URIs map to
// the file paths the front end works with (an `untitled:` buffer gets a stable virtual path).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SourceLoader } from '../../debug-adapter/engine';

/** Where `untitled:` documents and the server's own synthetic files live as far as the front end knows. */
const VIRTUAL_ROOT = path.join(path.sep, '__sweepscope_virtual__');

/** The path of a file that exists only inside the server (`name` made safe for a file name). */
export function virtualPath(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_.-]+/g, '_');
  return path.join(VIRTUAL_ROOT, safe.endsWith('.simc') ? safe : `${safe}.simc`);
}

/** The text of one open buffer and its version. */
interface OpenBuffer {
  uri: string;
  text: string;
  version: number;
}

interface DiskEntry {
  mtimeMs: number;
  size: number;
  text: string;
}

export class DocumentStore {
  private readonly open = new Map<string, OpenBuffer>(); // by path
  private readonly virtualUris = new Map<string, string>(); // virtual path → uri
  private readonly disk = new Map<string, DiskEntry>();
  /** Files with fixed contents that exist nowhere (the empty scenario a model is checked with). */
  private readonly synthetic = new Map<string, string>();

  /** The path the front end uses for a document URI. */
  pathOf(uri: string): string {
    if (uri.startsWith('file:')) {
      try {
        return path.resolve(fileURLToPath(uri));
      } catch {
        // fall through to a virtual path
      }
    }
    const p = virtualPath(uri);
    this.virtualUris.set(p, uri);
    return p;
  }

  /** The URI to show for a path (open documents keep their own URI). */
  uriOf(p: string): string {
    return this.open.get(p)?.uri ?? this.virtualUris.get(p) ?? pathToFileURL(p).href;
  }

  setOpen(uri: string, text: string, version: number): string {
    const p = this.pathOf(uri);
    this.open.set(p, { uri, text, version });
    return p;
  }

  close(uri: string): void {
    this.open.delete(this.pathOf(uri));
  }

  isOpen(p: string): boolean {
    return this.open.has(p);
  }

  openPaths(): string[] {
    return [...this.open.keys()];
  }

  addSynthetic(p: string, text: string): void {
    this.synthetic.set(p, text);
  }

  isSynthetic(p: string): boolean {
    return this.synthetic.has(p);
  }

  /** Current text of a file: open buffer, then a synthetic file, then the disk (cached by mtime and size). */
  read(p: string): string | undefined {
    const buf = this.open.get(p);
    if (buf) return buf.text;
    const syn = this.synthetic.get(p);
    if (syn !== undefined) return syn;
    if (p.startsWith(VIRTUAL_ROOT)) return undefined;
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      this.disk.delete(p);
      return undefined;
    }
    if (!st.isFile()) return undefined;
    const cached = this.disk.get(p);
    if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return cached.text;
    try {
      const text = fs.readFileSync(p, 'utf8');
      this.disk.set(p, { mtimeMs: st.mtimeMs, size: st.size, text });
      return text;
    } catch {
      return undefined;
    }
  }

  /** A SourceLoader over `read` that also records what it read (to validate cached analyses). */
  recordingLoader(seen: Map<string, string | undefined>): SourceLoader {
    return {
      read: (p: string) => {
        const text = this.read(p);
        seen.set(p, text);
        return text;
      },
    };
  }
}
