// Function code generation: one SimC function becomes one JavaScript function that runs as a
// resumable state machine, `for(;;) switch (pc)`, so a thread can stop after any statement.
// Each statement starts at a label that counts one step; a call pushes the callee's frame and
// returns to the dispatcher (the JS stack never grows with SimC recursion); a builtin call is a
// step of its own; expressions containing calls are linearised, with values that must survive
// a call kept in the frame's temporaries (`fr.t`).
import type { Expr, ExprOf, Initializer, Loc, Stmt } from '../lang/ast';
import { YIELDING_BUILTINS } from '../lang/builtins';
import { decay, type FuncInfo, type LocalSym } from '../lang/checker';
import { INT32, alignOf, promote, ptrTo, sizeOf, type IntType, type Type } from '../lang/types';
import { ExprGen, conv, is64, type ExprContext } from './codegen-expr';

/** The opening of a loop made native by structureLoop; loops holding one stay as they are. */
const NATIVE_LOOP = 'for(;;){';
/** Longer loop bodies stay in the dispatch switch (a native copy doubles their code). */
const MAX_STRUCTURED_LINES = 80;

/** Builtins that read the step count: their call site stores the live count (vm.slice) first. */
const READS_CLOCK: ReadonlySet<string> = new Set(['runtime·nanotime']);

export type LabelKind = 'entry' | 'stmt' | 'call' | 'builtin' | 'resume' | 'jump';

export interface LabelInfo {
  loc: Loc;
  kind: LabelKind;
  /** For builtin labels: the builtin's name. */
  builtin?: string;
  /** For builtin labels: the frame temporaries (fr.t indices) holding the evaluated arguments. */
  args?: number[];
}

export interface FunctionCode {
  source: string;
  labels: LabelInfo[];
  temps: number;
}

/** Byte offsets of a function's parameters in its frame (the checker lays them out the same way). */
export function paramOffsets(params: readonly Type[]): number[] {
  let off = 0;
  return params.map((t) => {
    const a = Math.max(alignOf(t), 1);
    off = Math.ceil(off / a) * a;
    const at = off;
    off += Math.max(sizeOf(t), 1);
    return at;
  });
}

/** A typed-array store of `value` at byte `off` of a frame whose fp is in `fpVar`. */
export function frameStore(fpVar: string, off: number, t: Type, value: string): string {
  if (is64(t)) return `ST64L(${fpVar}+${off},${value})`;
  const size = t.k === 'int' ? t.size : t.k === 'bool' ? 1 : 4;
  const signed = t.k === 'int' && t.signed;
  const view = `${size === 4 && signed ? 'I' : 'U'}${size * 8}`;
  if (size === 1) return `${view}[${fpVar}+${off}]=${value}`;
  const sh = size === 2 ? 1 : 2;
  return `${view}[(${fpVar}>>${sh})+${off >> sh}]=${value}`;
}

interface GenEnv extends Omit<ExprContext, 'vtemp'> {
  funcIndex(name: string): number;
}

const jsval = (code: string, ty: Type): Expr => ({ k: 'jsval', code, ty, loc: { file: '', line: 0, column: 0 } });

export class FunctionGen {
  private readonly out: string[] = [];
  private readonly labels: LabelInfo[] = [];
  private vtemps = 0;
  private maxV = 0;
  private ftemps = 0;
  private readonly gen: ExprGen;
  private readonly callMemo = new WeakMap<Expr, boolean>();
  private readonly breaks: number[] = [];
  private readonly continues: number[] = [];
  private readonly caseLabels = new Map<Stmt, number>();
  private curLoc: Loc;
  /** Scalar locals whose address is never taken live in JS variables in the fast variant. */
  private readonly registers = new Map<LocalSym, string>();
  private readonly writeBack: string;

  constructor(
    private readonly fn: FuncInfo,
    private readonly env: GenEnv,
  ) {
    this.curLoc = fn.decl.loc;
    if (!env.instrumented) {
      const taken = addressTaken(fn);
      for (const l of fn.locals) {
        const t = l.type;
        const scalar = t.k === 'bool' || t.k === 'ptr' || (t.k === 'int' && t.size <= 4);
        if (scalar && !taken.has(l)) this.registers.set(l, `l${this.registers.size}`);
      }
    }
    this.writeBack = [...this.registers].map(([l, r]) => frameStore('fp', l.offset, l.type, r) + ';').join('');
    this.gen = new ExprGen({ ...env, vtemp: () => this.vtemp(), register: (l) => this.registers.get(l) });
  }

  /** `return` from the JS function, first writing register locals back to the stack. */
  private exit(): string {
    return `${this.writeBack}return;`;
  }

  private vtemp(): string {
    const n = this.vtemps++;
    this.maxV = Math.max(this.maxV, this.vtemps);
    return `v${n}`;
  }
  private ftemp(): string {
    return `fr.t[${this.ftemps++}]`;
  }
  private label(kind: LabelKind, builtin?: string): number {
    this.labels.push({ loc: this.curLoc, kind, builtin });
    return this.labels.length - 1;
  }
  private emit(line: string): void {
    this.out.push(line);
  }
  private place(l: number): void {
    this.emit(`case ${l}:`);
  }
  private jump(l: number): string {
    return `{pc=${l};continue d;}`;
  }
  private suspendAt(l: number): string {
    return `{fr.pc=${l};vm.slice=slice;${this.exit()}}`;
  }

  /** A statement boundary: one step, a place to stop and to resume. */
  private stepLabel(at: Loc, kind: LabelKind = 'stmt', builtin?: string): number {
    this.curLoc = at;
    this.vtemps = 0;
    const l = this.label(kind, builtin);
    const hook = this.env.instrumented ? `||(vm.stmtHook!==null&&vm.stmtHook(fr,${l}))` : '';
    // the suspension is the loop's one exit after it (fr.pc = pc): one exit path, not one per statement
    this.emit(`case ${l}:pc=${l};if(slice===0${hook})break d;slice--;`);
    return l;
  }

  generate(): FunctionCode {
    const f = this.fn;
    this.label('entry');
    this.emit('case 0:');
    // the call is reported before the prologue: a call preempted at its prologue resumes at
    // its body (pc 1) and must still have been seen exactly once
    if (this.env.instrumented) this.emit(`if(vm.callHook!==null)vm.callHook(fr);`);
    if (!f.decl.nosplit) this.emit(`if(U32[vm.gsg0]===0xfffffade&&vm.prologue(fr,1)){vm.slice=slice;${this.exit()}}`);
    if (f.decl.body) this.block(f.decl.body.body);
    this.curLoc = f.decl.body?.endLoc ?? f.decl.loc;
    const endLabel = this.label('stmt');
    this.emit(`case ${endLabel}:pc=${endLabel};vm.rv=0;${this.writeBack}vm.ret(fr);vm.slice=slice;return;`);
    const vars = Array.from({ length: this.maxV }, (_, i) => `v${i}`);
    const regs = [...this.registers].map(([l, r]) => `${r}=${this.gen.load({ k: 'local', off: l.offset, ty: l.type })}`);
    const source = [
      `function F${f.sym.index}(vm,fr){`,
      // the functions are shared by every machine of the program: point them at this one's
      // memory, then keep the views it uses in locals (V8 checks their type once per call)
      `if(vm!==VM)BIND(vm);`,
      ...viewLocals([...this.out, this.writeBack, ...regs]),
      `const fp=fr.fp,f2=fp>>1,f4=fp>>2;`,
      `let pc=fr.pc,slice=vm.slice,nf${vars.length ? ',' + vars.join(',') : ''}${regs.length ? ',' + regs.join(',') : ''};`,
      `try{d:for(;;)switch(pc){`,
      ...this.out,
      `default:throw new Error('bad pc '+pc+' in ${f.sym.name.replace(/'/g, '')}');`,
      `}fr.pc=pc;vm.slice=slice;${this.exit()}}catch(e){fr.pc=pc;vm.slice=slice;${this.writeBack}throw e;}}`,
    ].join('\n');
    return { source, labels: this.labels, temps: this.ftemps };
  }

  // ---- statements ----
  private block(body: Stmt[]): void {
    for (const s of body) this.stmt(s);
  }

  private stmt(s: Stmt): void {
    switch (s.k) {
      case 'block': return this.block(s.body);
      case 'empty': return;
      case 'expr':
        this.stepLabel(s.loc);
        this.effect(s.e);
        return;
      case 'decl':
        for (const d of s.decls) {
          if (!d.init || d.sym?.k !== 'local') continue;
          this.stepLabel(d.loc);
          this.initLocal(d.sym.offset, d.sym.type, d.init);
        }
        return;
      case 'if': {
        this.stepLabel(s.loc);
        const c = this.condition(s.cond);
        const lElse = this.label('jump');
        this.emit(`if(!(${c}))${this.jump(lElse)}`);
        this.stmt(s.then);
        if (s.else) {
          const lEnd = this.label('jump');
          this.emit(this.jump(lEnd));
          this.place(lElse);
          this.stmt(s.else);
          this.place(lEnd);
        } else this.place(lElse);
        return;
      }
      case 'while': {
        const from = this.out.length;
        const top = this.stepLabel(s.loc);
        const end = this.label('jump');
        this.emit(`if(!(${this.condition(s.cond)}))${this.jump(end)}`);
        this.loop(end, top, () => this.stmt(s.body));
        this.emit(this.jump(top));
        this.structureLoop(from, top);
        this.place(end);
        return;
      }
      case 'do': {
        const body = this.label('jump');
        const condL = this.label('jump');
        const end = this.label('jump');
        this.place(body);
        this.loop(end, condL, () => this.stmt(s.body));
        this.place(condL);
        this.stepLabel(s.cond.loc);
        this.emit(`if(${this.condition(s.cond)})${this.jump(body)}`);
        this.place(end);
        return;
      }
      case 'for': {
        if (s.init) this.stmt(s.init);
        const from = this.out.length;
        const top = this.stepLabel(s.cond?.loc ?? s.loc);
        const end = this.label('jump');
        if (s.cond) this.emit(`if(!(${this.condition(s.cond)}))${this.jump(end)}`);
        const post = this.label('jump');
        this.loop(end, post, () => this.stmt(s.body));
        this.place(post);
        if (s.post) {
          this.stepLabel(s.post.loc);
          this.effect(s.post);
        }
        this.emit(this.jump(top));
        this.structureLoop(from, top);
        this.place(end);
        return;
      }
      case 'switch': {
        this.stepLabel(s.loc);
        const t = promote(decay(s.e.ty as Type));
        const v = conv(this.value(s.e), s.e.ty as Type, t);
        const end = this.label('jump');
        let deflt = end;
        const arms: string[] = [];
        this.collectCases(s.body, (c) => {
          const l = this.label('jump');
          this.caseLabels.set(c, l);
          if (c.k === 'default') deflt = l;
          else if (c.k === 'case') {
            const cv = c.constValue ?? 0n;
            arms.push(`case ${is64(t) ? `${cv}n` : String(cv)}:pc=${l};continue d;`);
          }
        });
        this.emit(`switch(${v}){${arms.join('')}default:pc=${deflt};continue d;}`);
        this.breaks.push(end);
        this.stmt(s.body);
        this.breaks.pop();
        this.place(end);
        return;
      }
      case 'case':
      case 'default': {
        const l = this.caseLabels.get(s);
        if (l !== undefined) this.place(l);
        return;
      }
      case 'break':
        this.stepLabel(s.loc);
        this.emit(this.jump(this.breaks[this.breaks.length - 1]));
        return;
      case 'continue':
        this.stepLabel(s.loc);
        this.emit(this.jump(this.continues[this.continues.length - 1]));
        return;
      case 'return': {
        this.stepLabel(s.loc);
        const v = s.e ? conv(this.value(s.e), s.e.ty as Type, this.fn.sym.type.ret) : '0';
        // register locals go back to the stack on return too: the popped frame's words are what
        // the next frames there start with, and a conservative stack scan reads them, so fast
        // code must leave them exactly as instrumented code does
        this.emit(`vm.rv=${v};${this.writeBack}vm.ret(fr);vm.slice=slice;return;`);
        return;
      }
      case 'go': {
        this.stepLabel(s.loc);
        const call = s.call as ExprOf<'call'>;
        const { target, args } = this.prepareCall(call);
        const resume = this.label('resume');
        this.emit(`vm.spawn(${target},[${args.join(',')}]);if(vm.endRun)${this.suspendAt(resume)}`);
        this.emit(`case ${resume}:pc=${resume};`);
        return;
      }
    }
  }

  /**
   * Fast code only: turns an innermost loop, emitted from out[from] (its head, label `top`) to
   * its jump back, into a native JavaScript loop entered at `top` — the same lines without their
   * case labels inside `for(;;){…}`, so an iteration does not go through the dispatch switch —
   * followed by the labelled lines as they were (minus the head), where a run resumes in the
   * middle of the body (after a call, a yield, or the end of its slice) and which jump back to
   * `top`. Every exit from the native loop is a `continue d` to a label, as before.
   */
  private structureLoop(from: number, top: number): void {
    if (this.env.instrumented) return;
    const lines = this.out.slice(from);
    if (lines.length > MAX_STRUCTURED_LINES || lines.some((l) => l.includes(NATIVE_LOOP))) return;
    const labelOnly = /^case \d+:$/;
    const labelled = /^case (\d+):pc=\1;/;
    const native = lines.slice(0, -1).filter((l) => !labelOnly.test(l)).map((l) => l.replace(/^case \d+:/, ''));
    // the resumable copy starts at the first label after the head statement
    const head = lines.findIndex((l, i) => i > 0 && (labelOnly.test(l) || labelled.test(l)));
    const resumable = head < 0 ? [] : lines.slice(head);
    this.out.length = from;
    this.out.push(`case ${top}:${NATIVE_LOOP}`, ...native, '}', ...resumable);
  }

  private loop(brk: number, cont: number, body: () => void): void {
    // `break` inside a switch inside this loop targets the switch; `continue` the loop
    this.breaks.push(brk);
    this.continues.push(cont);
    body();
    this.breaks.pop();
    this.continues.pop();
  }

  private collectCases(s: Stmt, add: (c: Stmt) => void): void {
    switch (s.k) {
      case 'case': case 'default': add(s); return;
      case 'block': s.body.forEach((x) => this.collectCases(x, add)); return;
      case 'if': this.collectCases(s.then, add); if (s.else) this.collectCases(s.else, add); return;
      case 'while': case 'do': case 'for': this.collectCases(s.body, add); return;
      default:
    }
  }

  private initLocal(off: number, type: Type, init: Initializer): void {
    const lv = { k: 'local' as const, off, ty: type };
    if (init.k === 'expr') {
      if (type.k === 'array' && init.e.k === 'string') {
        const bytes = [...init.e.bytes, 0].slice(0, type.len);
        this.emit(`U8.fill(0,fp+${off},fp+${off + sizeOf(type)});U8.set([${bytes.join(',')}],fp+${off});`);
        return;
      }
      const v = conv(this.value(init.e), init.e.ty as Type, type);
      this.emit(`${this.gen.store(lv, v)};`);
      return;
    }
    if (type.k === 'array' || type.k === 'struct') {
      this.emit(`U8.fill(0,fp+${off},fp+${off + sizeOf(type)});`);
      let next = 0;
      for (const item of init.items) {
        if (type.k === 'array') {
          const idx = item.index?.k === 'int' ? Number(item.index.value) : next;
          next = idx + 1;
          this.initLocal(off + idx * sizeOf(type.of), type.of, item.init);
        } else {
          const fi = item.field ? type.fields.findIndex((f) => f.name === item.field) : next;
          next = fi + 1;
          const f = type.fields[fi];
          if (f) this.initLocal(off + f.offset, f.type, item.init);
        }
      }
      return;
    }
    if (init.items[0]) this.initLocal(off, type, init.items[0].init);
  }

  // ---- expressions with calls ----
  private hasCall(e: Expr): boolean {
    const memo = this.callMemo.get(e);
    if (memo !== undefined) return memo;
    let r: boolean;
    switch (e.k) {
      case 'call':
        r = !(e.callee.k === 'ident' && e.callee.name === 'nelem' && e.callee.sym === undefined);
        break;
      case 'unary': case 'postfix': case 'cast': r = this.hasCall(e.e); break;
      case 'member': r = this.hasCall(e.e); break;
      case 'binary': case 'assign': r = this.hasCall(e.l) || this.hasCall(e.r); break;
      case 'cond': r = this.hasCall(e.c) || this.hasCall(e.a) || this.hasCall(e.b); break;
      case 'index': r = this.hasCall(e.a) || this.hasCall(e.i); break;
      default: r = false;
    }
    this.callMemo.set(e, r);
    return r;
  }

  private value(e: Expr): string {
    return this.gen.value(this.hoist(e));
  }
  private condition(e: Expr): string {
    return this.gen.cond(this.hoist(e));
  }
  private effect(e: Expr): void {
    const h = this.hoist(e);
    if (h.k === 'jsval') return; // a call whose value is unused: already emitted
    this.emit(`${this.gen.effect(h)};`);
  }

  /** Keeps a computed value in a frame temporary, so that a later call cannot lose it. */
  private spill(e: Expr): Expr {
    if (e.k === 'jsval' || e.k === 'int') return e;
    const t = this.ftemp();
    this.emit(`${t}=${this.gen.value(e)};`);
    return jsval(t, decay(e.ty as Type));
  }
  private spillLvalue(e: Expr): Expr {
    if (e.k === 'ident') return e;
    const t = this.ftemp();
    this.emit(`${t}=${this.gen.address(this.gen.lvalue(e))};`);
    return { k: 'unary', op: '*', e: jsval(t, ptrTo(e.ty as Type)), ty: e.ty, loc: e.loc };
  }

  /** Returns a call-free expression equal to e, emitting the code of its calls first. */
  private hoist(e: Expr): Expr {
    if (!this.hasCall(e)) return e;
    switch (e.k) {
      case 'call': return jsval(this.emitCall(e), e.ty as Type);
      case 'cond': return this.hoistConditional(e);
      case 'binary':
        if (e.op === '&&' || e.op === '||') return this.hoistLogical(e);
        break;
      default:
    }
    const slots = childSlots(e);
    const copy = { ...e } as Record<string, unknown>;
    slots.forEach(([key, isLvalue], i) => {
      const child = (e as unknown as Record<string, Expr>)[key];
      const later = slots.slice(i + 1).some(([k]) => this.hasCall((e as unknown as Record<string, Expr>)[k]));
      let h = this.hoist(child);
      if (later) h = isLvalue ? this.spillLvalue(h) : this.spill(h);
      copy[key] = h;
    });
    return copy as unknown as Expr;
  }

  private hoistLogical(e: ExprOf<'binary'>): Expr {
    const t = this.ftemp();
    const end = this.label('jump');
    this.emit(`${t}=(${this.condition(e.l)})?1:0;`);
    this.emit(`if(${e.op === '&&' ? '!' : ''}${t})${this.jump(end)}`);
    this.emit(`${t}=(${this.condition(e.r)})?1:0;`);
    this.place(end);
    return jsval(t, INT32);
  }

  private hoistConditional(e: ExprOf<'cond'>): Expr {
    const t = this.ftemp();
    const rt = e.ty as Type;
    const lElse = this.label('jump');
    const lEnd = this.label('jump');
    this.emit(`if(!(${this.condition(e.c)}))${this.jump(lElse)}`);
    this.emit(`${t}=${conv(this.value(e.a), e.a.ty as Type, rt)};`);
    this.emit(this.jump(lEnd));
    this.place(lElse);
    this.emit(`${t}=${conv(this.value(e.b), e.b.ty as Type, rt)};`);
    this.place(lEnd);
    return jsval(t, decay(rt));
  }

  /** Evaluates callee and arguments (converted to parameter types) into JS temporaries. */
  private prepareCall(e: ExprOf<'call'>): { target: string; args: string[]; ft: Extract<Type, { k: 'func' }> } {
    const ct = decay(e.callee.ty as Type) as { k: 'ptr'; to: Extract<Type, { k: 'func' }> };
    const ft = ct.to;
    const direct = e.callee.k === 'ident' && e.callee.sym?.k === 'func' ? e.callee.sym : undefined;
    let callee: Expr | undefined;
    if (!direct) {
      callee = this.hoist(e.callee);
      if (e.args.some((a) => this.hasCall(a))) callee = this.spill(callee);
    }
    const hoisted = e.args.map((a, i) => {
      const h = this.hoist(a);
      return e.args.slice(i + 1).some((x) => this.hasCall(x)) ? this.spill(h) : h;
    });
    const args = hoisted.map((h, i) => {
      const v = this.vtemp();
      this.emit(`${v}=${conv(this.gen.value(h), h.ty as Type, ft.params[i] ?? decay(h.ty as Type))};`);
      return v;
    });
    let target: string;
    if (direct) target = String(this.env.funcIndex(direct.name));
    else {
      const v = this.vtemp();
      this.emit(`${v}=vm.funcIndex(${this.gen.value(callee as Expr)});`);
      target = v;
    }
    return { target, args, ft };
  }

  private emitCall(e: ExprOf<'call'>): string {
    if (e.callee.k === 'ident' && e.callee.sym?.k === 'builtin') return this.emitBuiltin(e, e.callee.sym.name, e.callee.sym.id);
    const { target, args, ft } = this.prepareCall(e);
    const resume = this.label('call');
    const offs = paramOffsets(ft.params);
    const stores = args.map((a, i) => frameStore('nf.fp', offs[i], ft.params[i], a) + ';').join('');
    this.emit(`fr.pc=${resume};vm.slice=slice;nf=vm.call(${target});${stores}${this.exit()}`);
    this.emit(`case ${resume}:pc=${resume};`);
    if (ft.ret.k === 'void') return '0';
    const t = this.ftemp();
    this.emit(`${t}=vm.rv;`);
    return t;
  }

  private emitBuiltin(e: ExprOf<'call'>, name: string, id: number): string {
    const ft = (e.callee.ty as Extract<Type, { k: 'func' }>);
    const argTemps: number[] = [];
    const slots = e.args.map((a, i) => {
      const h = this.hoist(a);
      argTemps.push(this.ftemps);
      const t = this.ftemp();
      const pt = ft.params[i];
      this.emit(`${t}=${pt ? conv(this.gen.value(h), h.ty as Type, pt) : this.gen.value(h)};`);
      return t;
    });
    const fixed = slots.slice(0, ft.params.length);
    const extra = slots.slice(ft.params.length);
    const argList = ft.variadic ? [...fixed, `[${extra.join(',')}]`] : fixed;
    const at = this.stepLabel(e.loc, 'builtin', name);
    this.labels[at].args = argTemps;
    const result = this.ftemp();
    this.emit(`${READS_CLOCK.has(name) ? 'vm.slice=slice;' : ''}${result}=B${id}(${argList.join(',')});`);
    if (YIELDING_BUILTINS.has(name)) {
      const resume = this.label('resume');
      this.emit(`if(vm.yielded!==0||vm.endRun){fr.pc=vm.yielded===2?${at}:${resume};vm.yielded=0;vm.slice=slice;${this.exit()}}`);
      this.emit(`case ${resume}:pc=${resume};`);
    }
    return result;
  }
}

/** Locals whose address is taken with `&` anywhere in the function (they must stay in memory). */
function addressTaken(fn: FuncInfo): Set<LocalSym> {
  const taken = new Set<LocalSym>();
  const visitExpr = (e: Expr | null | undefined): void => {
    if (!e) return;
    if (e.k === 'unary' && e.op === '&') {
      let x: Expr = e.e;
      while (x.k === 'member' && !x.arrow) x = x.e;
      while (x.k === 'index' && x.a.ty?.k === 'array') x = x.a;
      if (x.k === 'ident' && x.sym?.k === 'local') taken.add(x.sym);
    }
    for (const sub of subExpressions(e)) visitExpr(sub);
  };
  const visitInit = (i: Initializer | null): void => {
    if (!i) return;
    if (i.k === 'expr') visitExpr(i.e);
    else for (const item of i.items) visitInit(item.init);
  };
  const visit = (s: Stmt | null): void => {
    if (!s) return;
    switch (s.k) {
      case 'block': s.body.forEach(visit); return;
      case 'expr': visitExpr(s.e); return;
      case 'decl': s.decls.forEach((d) => visitInit(d.init)); return;
      case 'if': visitExpr(s.cond); visit(s.then); visit(s.else); return;
      case 'while': case 'do': visitExpr(s.cond); visit(s.body); return;
      case 'for': visit(s.init); visitExpr(s.cond); visitExpr(s.post); visit(s.body); return;
      case 'switch': visitExpr(s.e); visit(s.body); return;
      case 'return': visitExpr(s.e); return;
      case 'go': visitExpr(s.call); return;
      default:
    }
  };
  if (fn.decl.body) visit(fn.decl.body);
  return taken;
}

/** The evaluated direct sub-expressions of e (not sizeof's operand). */
function subExpressions(e: Expr): Expr[] {
  switch (e.k) {
    case 'unary': case 'postfix': case 'member': case 'cast': return [e.e];
    case 'binary': case 'assign': return [e.l, e.r];
    case 'cond': return [e.c, e.a, e.b];
    case 'call': return [e.callee, ...e.args];
    case 'index': return [e.a, e.i];
    default: return [];
  }
}

/** The sub-expressions of e in evaluation order, and whether each is used as an lvalue. */
function childSlots(e: Expr): [string, boolean][] {
  switch (e.k) {
    case 'unary': return [['e', e.op === '&' || e.op === '++' || e.op === '--']];
    case 'postfix': return [['e', true]];
    case 'binary': return [['l', false], ['r', false]];
    case 'assign': return [['l', true], ['r', false]];
    case 'index': return [['a', false], ['i', false]];
    case 'member': return [['e', !e.arrow]];
    case 'cast': return [['e', false]];
    default: return [];
  }
}

export type { IntType };

/** `const U32=mem.u32,…` for the memory views (and the page table) a function's code names. */
function viewLocals(code: string[]): string[] {
  const text = code.join('\n');
  const used = MEMORY_VIEWS.filter(([name]) => new RegExp(`\\b${name}\\b`).test(text));
  return used.length ? [`const ${used.map(([name, field]) => `${name}=mem.${field}`).join(',')};`] : [];
}
const MEMORY_VIEWS: [string, string][] = [['U8', 'u8'], ['I8', 'i8'], ['U16', 'u16'], ['I16', 'i16'], ['U32', 'u32'], ['I32', 'i32'], ['PT', 'mapped']];
