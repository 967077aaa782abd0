// Lists the entries of a ZIP archive (a .vsix is one) from its central directory, without any
// dependency: finds the end-of-central-directory record, then reads each entry's name and sizes.
import * as fs from 'node:fs';

export interface ZipEntry {
  name: string;
  size: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;

export function listZip(file: string): ZipEntry[] {
  const buf = fs.readFileSync(file);
  // the EOCD record is at least 22 bytes from the end, followed by a comment of up to 64 KiB
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file}: not a ZIP archive (no end-of-central-directory record)`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== CENTRAL) throw new Error(`${file}: corrupt central directory at byte ${at}`);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    entries.push({ name: buf.toString('utf8', at + 46, at + 46 + nameLength), size });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
