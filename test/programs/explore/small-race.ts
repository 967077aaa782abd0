// The P8 scenario made small for complete bounded searches (the k = 2 test and benchmark): the
// text of examples/finalizer-race.simc with one span, two finalizers per span and a head start
// of 200 steps for U, written next to `dir`. Returns the file's path.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export function writeSmallRace(racePath: string, dir: string): string {
  const text = readFileSync(racePath, 'utf8');
  const small = text.replace('NSpans = 4,', 'NSpans = 1,').replace('NFin = 12,', 'NFin = 2,').replace('TDelay = 2000', 'TDelay = 200');
  if (small === text || small.includes('NSpans = 4,')) throw new Error(`${racePath}: the constants NSpans, NFin and TDelay are not where the small race expects them`);
  const file = path.join(dir, 'finalizer-race-small.simc');
  writeFileSync(file, small);
  return file;
}
