// The front end's limits, each reported as a located error that says what to do. Every stage
// after the parser (checker, language-server walks, the code generator and the JavaScript it
// emits) recurses over the syntax tree, so the parser and preprocessor reject input nested past
// MAX_NESTING instead of letting a later stage run out of stack: statements, expressions,
// declarators, initializers, struct definitions, #if expressions and macro arguments, each kind
// counted on its own. An expression's depth is the height of its tree, so a chain `a + b + c`
// nests one level per operator. Real code stays far below the limit; the VM's generated code
// was measured to survive about twice this depth. The checker bounds types (MAX_TYPE_DEPTH) and
// object sizes; the preprocessor bounds how much macros may expand (MAX_EXPANDED_TOKENS).
export const MAX_NESTING = 128;

/**
 * How many types may be resolved inside each other: a typedef naming another typedef, a struct
 * whose field is another struct, each declared after its use; also bounds a type's height.
 */
export const MAX_TYPE_DEPTH = 8 * MAX_NESTING;

/** How deeply files may #include each other (a file is read once, so this is a chain of distinct files). */
export const MAX_INCLUDE_DEPTH = 50;

/** The largest object (array or struct) in bytes: the machine is 32-bit, as C's PTRDIFF_MAX. */
export const MAX_OBJECT_SIZE = 0x7fffffffn;

/**
 * How many tokens macro bodies may produce in one program (`#define A B B`, `#define B C C`…
 * doubles at every level); the runtime models produce a few thousand.
 */
export const MAX_EXPANDED_TOKENS = 100_000;

/** The message for input nested past the limit, saying what to do about it. */
export function nestedTooDeeply(what: string, remedy?: string): string {
  return `${what} nested too deeply (limit ${MAX_NESTING})${remedy ? `; ${remedy}` : ''}`;
}
