// `npm run bench`: runs every bench/*.bench.ts module's exported `run()` in name order (not a
// test; prints numbers). `npm run bench -- WORD` runs only the modules whose name contains WORD.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

interface BenchModule {
  run: () => void | Promise<void>;
}

function isBenchModule(m: unknown): m is BenchModule {
  return typeof m === 'object' && m !== null && typeof (m as { run?: unknown }).run === 'function';
}

async function main(): Promise<number> {
  const dir = __dirname;
  const filters = process.argv.slice(2);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
    .sort();
  if (files.length === 0) {
    console.error(`bench: no bench/*.bench.ts modules${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
    return 1;
  }
  let failures = 0;
  for (const f of files) {
    console.log(`\n== ${f}`);
    try {
      const mod: unknown = await import(pathToFileURL(path.join(dir, f)).href);
      if (!isBenchModule(mod)) throw new Error('does not export run()');
      await mod.run();
    } catch (e) {
      failures++;
      console.error(`bench: ${f} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`bench: internal error: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
