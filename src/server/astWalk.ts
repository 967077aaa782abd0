// The shape of the front end's syntax tree for the language server's walks: the direct
// sub-expressions of an expression and the direct expressions and statements of a statement
// (a declaration's initialisers included), so each walk only handles the nodes it cares about.
import type { Expr, Initializer, Stmt } from '../../debug-adapter/engine/lang/ast';

/** The direct sub-expressions of an expression, left to right. */
export function exprChildren(e: Expr): Expr[] {
  switch (e.k) {
    case 'unary': case 'postfix': case 'sizeofExpr': case 'cast': case 'member': return [e.e];
    case 'binary': case 'assign': return [e.l, e.r];
    case 'cond': return [e.c, e.a, e.b];
    case 'call': return [e.callee, ...e.args];
    case 'index': return [e.a, e.i];
    default: return [];
  }
}

/** Every expression of an initialiser (designator indexes included). */
export function initializerExprs(init: Initializer): Expr[] {
  if (init.k === 'expr') return [init.e];
  return init.items.flatMap((item) => [...(item.index ? [item.index] : []), ...initializerExprs(item.init)]);
}

/** The direct expressions and sub-statements of a statement. */
export function stmtParts(s: Stmt): { exprs: Expr[]; stmts: Stmt[] } {
  switch (s.k) {
    case 'block': return { exprs: [], stmts: s.body };
    case 'expr': return { exprs: [s.e], stmts: [] };
    case 'decl': return { exprs: s.decls.flatMap((d) => (d.init ? initializerExprs(d.init) : [])), stmts: [] };
    case 'if': return { exprs: [s.cond], stmts: s.else ? [s.then, s.else] : [s.then] };
    case 'while': case 'do': return { exprs: [s.cond], stmts: [s.body] };
    case 'for': return { exprs: [...(s.cond ? [s.cond] : []), ...(s.post ? [s.post] : [])], stmts: [...(s.init ? [s.init] : []), s.body] };
    case 'switch': return { exprs: [s.e], stmts: [s.body] };
    case 'case': return { exprs: [s.value], stmts: [] };
    case 'return': return { exprs: s.e ? [s.e] : [], stmts: [] };
    case 'go': return { exprs: [s.call], stmts: [] };
    default: return { exprs: [], stmts: [] };
  }
}
