// The syntax tree the parser builds and the checker annotates (types on expressions, symbols
// on names). Type syntax stays unresolved here; the checker turns it into types.ts Types.
import type { SourceLocation } from '../api';
import type { Type, Symbol } from './types';

export type Loc = SourceLocation;

// ---- type syntax ----
export type TypeSyntax =
  | { k: 'named'; name: string; loc: Loc }
  | { k: 'struct'; tag?: string; fields?: FieldSyntax[]; loc: Loc }
  | { k: 'enum'; tag?: string; items?: EnumItem[]; loc: Loc }
  | { k: 'ptr'; to: TypeSyntax; loc: Loc }
  | { k: 'array'; of: TypeSyntax; size: Expr | null; loc: Loc }
  | { k: 'func'; ret: TypeSyntax; params: ParamSyntax[]; variadic: boolean; loc: Loc };

export interface FieldSyntax {
  name: string;
  type: TypeSyntax;
  loc: Loc;
  doc?: string;
}
export interface ParamSyntax {
  name?: string;
  type: TypeSyntax;
  loc: Loc;
}
export interface EnumItem {
  name: string;
  value?: Expr;
  loc: Loc;
  doc?: string;
}

// ---- initialisers ----
export type Initializer =
  | { k: 'expr'; e: Expr; loc: Loc }
  | { k: 'list'; items: { field?: string; index?: Expr; init: Initializer; loc: Loc }[]; loc: Loc };

// ---- declarations ----
export interface FuncDecl {
  k: 'func';
  name: string;
  type: Extract<TypeSyntax, { k: 'func' }>;
  body: Block | null;
  isStatic: boolean;
  nosplit: boolean;
  loc: Loc;
  doc?: string;
  endLoc?: Loc;
}
export interface VarDecl {
  k: 'var';
  name: string;
  type: TypeSyntax;
  init: Initializer | null;
  storage: 'extern' | 'static' | null;
  loc: Loc;
  doc?: string;
  /** Filled by the checker. */
  sym?: Symbol;
}
export interface TypedefDecl {
  k: 'typedef';
  name: string;
  type: TypeSyntax;
  loc: Loc;
  doc?: string;
}
export interface TagDecl {
  k: 'tag';
  type: TypeSyntax;
  loc: Loc;
  doc?: string;
}
export type Decl = FuncDecl | VarDecl | TypedefDecl | TagDecl;

// ---- statements ----
export interface Block {
  k: 'block';
  body: Stmt[];
  loc: Loc;
  endLoc: Loc;
}
export type Stmt =
  | Block
  | { k: 'expr'; e: Expr; loc: Loc }
  | { k: 'decl'; decls: VarDecl[]; loc: Loc }
  | { k: 'if'; cond: Expr; then: Stmt; else: Stmt | null; loc: Loc }
  | { k: 'while'; cond: Expr; body: Stmt; loc: Loc }
  | { k: 'do'; body: Stmt; cond: Expr; loc: Loc }
  | { k: 'for'; init: Stmt | null; cond: Expr | null; post: Expr | null; body: Stmt; loc: Loc }
  | { k: 'switch'; e: Expr; body: Stmt; loc: Loc }
  | { k: 'case'; value: Expr; loc: Loc; constValue?: bigint }
  | { k: 'default'; loc: Loc }
  | { k: 'break'; loc: Loc }
  | { k: 'continue'; loc: Loc }
  | { k: 'return'; e: Expr | null; loc: Loc }
  | { k: 'go'; call: Expr; loc: Loc }
  | { k: 'empty'; loc: Loc };

// ---- expressions ----
interface ExprBase {
  loc: Loc;
  /** Filled by the checker: the expression's type. */
  ty?: Type;
}
export type Expr = ExprBase &
  (
    | { k: 'ident'; name: string; sym?: Symbol }
    | { k: 'int'; value: bigint; unsigned: boolean; long: number }
    | { k: 'string'; bytes: number[] }
    | { k: 'unary'; op: '-' | '+' | '!' | '~' | '*' | '&' | '++' | '--'; e: Expr }
    | { k: 'postfix'; op: '++' | '--'; e: Expr }
    | { k: 'binary'; op: string; l: Expr; r: Expr; opTy?: Type }
    | { k: 'assign'; op: string; l: Expr; r: Expr; opTy?: Type }
    | { k: 'cond'; c: Expr; a: Expr; b: Expr }
    | { k: 'call'; callee: Expr; args: Expr[] }
    | { k: 'index'; a: Expr; i: Expr }
    | { k: 'member'; e: Expr; name: string; arrow: boolean; nameLoc: Loc; offset?: number }
    | { k: 'cast'; type: TypeSyntax; e: Expr }
    | { k: 'sizeofType'; type: TypeSyntax; value?: number }
    | { k: 'sizeofExpr'; e: Expr; value?: number }
    /** Only made by the code generator: an already computed JavaScript value. */
    | { k: 'jsval'; code: string }
  );

export type ExprOf<K extends Expr['k']> = Extract<Expr, { k: K }>;

export interface TranslationUnit {
  decls: Decl[];
}
