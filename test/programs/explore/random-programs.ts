// Small random SimC programs for the explorer's soundness checks: two or three goroutines, each
// a few statements drawn from reads and writes of two shared words, locked increments and
// runtime·gosched, then main waits for all of them (a gosched loop) and prints every value.
// The same seed always gives the same program.

/** A deterministic generator of integers in [0, n). */
function generator(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % n;
}

const STATEMENTS: readonly ((g: number) => string)[] = [
  () => '\tt = t * 3 + x;\n',
  (g) => `\tx = t + ${g + 1};\n`,
  () => '\truntime·gosched();\n',
  (g) => `\ty = y + ${g + 1};\n`,
  () => '\tt = t * 5 + y;\n',
  () => '\truntime·lock(&l);\n\tx = x + 1;\n\truntime·unlock(&l);\n',
];

export function randomProgram(seed: number): string {
  const rnd = generator(seed);
  const goroutines = 2 + rnd(2);
  let text = `// random program ${seed}\nuint32 x;\nuint32 y;\nuint32 r[3];\nuint32 done;\nLock l;\n`;
  for (let g = 0; g < goroutines; g++) {
    text += `void\nw${g}(int32 id)\n{\n\tuint32 t;\n\n\tt = 0;\n`;
    const n = 2 + rnd(3);
    for (let k = 0; k < n; k++) text += STATEMENTS[rnd(STATEMENTS.length)](g);
    text += `\tr[${g}] = t;\n\truntime·xadd(&done, 1);\n}\n`;
  }
  text += 'void\nmain(void)\n{\n';
  for (let g = 0; g < goroutines; g++) text += `\tgo w${g}(${g});\n`;
  text += `\twhile(runtime·atomicload(&done) < ${goroutines})\n\t\truntime·gosched();\n`;
  text += '\truntime·printf("%d %d %d %d %d\\n", x, y, r[0], r[1], r[2]);\n}\n';
  return text;
}
