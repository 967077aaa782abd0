// What a sweepgen value means where the cursor is. A span's sweepgen is read against the
// heap's H (runtime·mheap.sweepgen): H−2 needs sweeping, H−1 being swept, H swept. Given the
// expression path down to a hovered name (found on the checked syntax tree), this names the
// operation — the CAS that claims a span, the store that publishes it, a comparison — and the
// states of its operands, recognising H through `mheap.sweepgen`, `h->sweepgen` and locals
// assigned from them (the runtime's `sg`).
import type { Decl, Expr, Loc, Stmt, TranslationUnit } from '../../debug-adapter/engine/lang/ast';
import type { Symbol } from '../../debug-adapter/engine/lang/types';
import { exprChildren, stmtParts } from './astWalk';
import { memberBase } from './symbolIndex';

export const SWEEPGEN_LEGEND = 'Relative to H = `runtime·mheap.sweepgen`: **H−2** needs sweeping · **H−1** being swept · **H** swept. H grows by 2 at every GC, with the world stopped.';

const STATES = new Map<number, string>([
  [-2, 'needs sweeping'],
  [-1, 'being swept'],
  [0, 'swept'],
]);

/** The chain of expressions from a statement's root down to the name at `at`, and the function around it. */
export interface ExprPath {
  chain: Expr[];
  func: Extract<Decl, { k: 'func' }>;
}

const sameLoc = (a: Loc, b: Loc): boolean => a.file === b.file && a.line === b.line && a.column === b.column;

/** Finds the expressions leading to an identifier or member name written at `at`. */
export function exprPathAt(unit: TranslationUnit, at: Loc): ExprPath | undefined {
  for (const d of unit.decls) {
    if (d.k !== 'func' || !d.body || d.loc.file !== at.file) continue;
    const end = d.endLoc ?? d.loc;
    if (at.line < d.loc.line || at.line > end.line) continue;
    const chain: Expr[] = [];
    if (findInStmt(d.body, at, chain)) return { chain, func: d };
  }
  return undefined;
}

function findInStmt(s: Stmt, at: Loc, chain: Expr[]): boolean {
  const { exprs, stmts } = stmtParts(s);
  return exprs.some((e) => findInExpr(e, at, chain)) || stmts.some((x) => findInStmt(x, at, chain));
}

function findInExpr(e: Expr, at: Loc, chain: Expr[]): boolean {
  chain.push(e);
  if ((e.k === 'ident' && sameLoc(e.loc, at)) || (e.k === 'member' && sameLoc(e.nameLoc, at))) return true;
  if (exprChildren(e).some((c) => findInExpr(c, at, chain))) return true;
  chain.pop();
  return false;
}

/** Locals of a function assigned from H somewhere in it (`sg = runtime·mheap.sweepgen;`). */
function hAliases(func: Extract<Decl, { k: 'func' }>): Set<Symbol> {
  const out = new Set<Symbol>();
  const visitExpr = (e: Expr): void => {
    if (e.k === 'assign' && e.op === '=' && e.l.k === 'ident' && e.l.sym && isHeapSweepgen(e.r)) out.add(e.l.sym);
    exprChildren(e).forEach(visitExpr);
  };
  const visitStmt = (s: Stmt): void => {
    if (s.k === 'decl') for (const d of s.decls) if (d.init?.k === 'expr' && d.sym && isHeapSweepgen(d.init.e)) out.add(d.sym);
    const { exprs, stmts } = stmtParts(s);
    exprs.forEach(visitExpr);
    stmts.forEach(visitStmt);
  };
  if (func.body) visitStmt(func.body);
  return out;
}

function isHeapSweepgen(e: Expr): boolean {
  if (e.k === 'call' && e.callee.k === 'ident' && e.callee.sym?.name === 'runtime·atomicload' && e.args[0]?.k === 'unary' && e.args[0].op === '&') {
    return isHeapSweepgen(e.args[0].e);
  }
  return e.k === 'member' && e.name === 'sweepgen' && memberBase(e.e.ty, e.arrow)?.tag === 'MHeap';
}

const isSpanSweepgen = (e: Expr): boolean => e.k === 'member' && e.name === 'sweepgen' && memberBase(e.e.ty, e.arrow)?.tag === 'MSpan';

/** H + k for an expression that is H, H−k or H+k with a literal k; undefined otherwise. */
function relativeToH(e: Expr, aliases: Set<Symbol>): number | undefined {
  const isH = (x: Expr): boolean => isHeapSweepgen(x) || (x.k === 'ident' && !!x.sym && aliases.has(x.sym));
  if (isH(e)) return 0;
  if (e.k === 'binary' && (e.op === '-' || e.op === '+') && isH(e.l) && e.r.k === 'int') {
    return Number(e.op === '-' ? -e.r.value : e.r.value);
  }
  return undefined;
}

/** "H−2 (needs sweeping)" for an operand, or its role when it is not H-relative. */
function describe(e: Expr, aliases: Set<Symbol>): string | undefined {
  const k = relativeToH(e, aliases);
  if (k === undefined) return undefined;
  const name = k === 0 ? 'H' : `H${k < 0 ? '−' : '+'}${Math.abs(k)}`;
  const state = STATES.get(k);
  return state ? `**${name}** (${state})` : `**${name}**`;
}

const calleeName = (e: Expr): string | undefined => (e.k === 'call' && e.callee.k === 'ident' ? e.callee.sym?.name ?? e.callee.name : undefined);

/**
 * One line on what the code at a hovered span-sweepgen access (or H alias) does with sweep
 * states, e.g. "CAS H−2 (needs sweeping) → H−1 (being swept): claims the span for sweeping".
 */
export function sweepgenHere(path: ExprPath): string | undefined {
  const aliases = hAliases(path.func);
  const chain = path.chain;
  let i = chain.length - 1;
  const leaf = chain[i];
  if (leaf.k === 'ident' && leaf.sym && aliases.has(leaf.sym)) {
    return `\`${leaf.name}\` holds H, the heap's sweepgen, read at the start of this function.`;
  }
  if (isHeapSweepgen(leaf)) {
    const up = chain[i - 1];
    if (up?.k === 'assign' && up.l === leaf && up.op === '+=' && up.r.k === 'int' && up.r.value === 2n) {
      return 'H += 2 starts a new sweep cycle: every span that was swept (old H) now reads H−2, needs sweeping.';
    }
    return 'This is H itself.';
  }
  if (!isSpanSweepgen(leaf)) return undefined;
  let value: Expr = leaf;
  const parent = (): Expr | undefined => chain[i - 1];
  // &s->sweepgen passed to an atomic: the call is the access
  if (parent()?.k === 'unary' && (parent() as Extract<Expr, { k: 'unary' }>).op === '&') {
    const call = chain[i - 2];
    const fn = call ? calleeName(call) : undefined;
    if (call?.k === 'call' && fn) {
      if (fn === 'runtime·cas' && call.args.length === 3) {
        const from = describe(call.args[1], aliases);
        const to = describe(call.args[2], aliases);
        if (from && to) {
          const claims = relativeToH(call.args[1], aliases) === -2 && relativeToH(call.args[2], aliases) === -1;
          return `CAS ${from} → ${to}${claims ? ': whoever wins owns the span and must sweep it' : ''}.`;
        }
        return 'CAS of the span\'s sweepgen.';
      }
      if (fn === 'runtime·atomicstore' && call.args.length === 2) {
        const v = describe(call.args[1], aliases);
        const publishes = relativeToH(call.args[1], aliases) === 0;
        return `Atomic store of ${v ?? 'a new sweepgen'}${publishes ? ': publishes the span as swept' : ''}.`;
      }
      if (fn === 'runtime·atomicload') {
        value = call;
        i -= 2;
      }
    }
  }
  const p = parent();
  if (p?.k === 'binary' && (p.op === '==' || p.op === '!=')) {
    const other = p.l === value ? p.r : p.l;
    const d = describe(other, aliases);
    if (d) return `Tests whether the span ${p.op === '==' ? 'is' : 'is not'} at ${d}.`;
  }
  if (p?.k === 'assign' && p.op === '=' && p.l === value) {
    const d = describe(p.r, aliases);
    if (d) return `Plain store of ${d}${relativeToH(p.r, aliases) === 0 ? ': the span counts as swept' : ''}.`;
  }
  return undefined;
}
