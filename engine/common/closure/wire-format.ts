// The plain-data form of a shipped function: a flat table of nodes (the captured value graph,
// cycles included) that engine/common/codec encodes as is. Nodes refer to each other by index,
// so shared and cyclic references survive the trip exactly once.

/** Index into SerializedFunction.nodes. */
export type Ref = number;

/** Object.prototype and null as prototypes are so common they get reserved refs. */
export const PROTO_OBJECT = -1;
export const PROTO_NULL = -2;
/**
 * Containers hold their members as slots: a primitive msgpack carries exactly (string, boolean,
 * null, finite number other than -0) sits inline; anything else is a Ref, and its position is
 * listed in the container's `refs` (ascending). Plain data thus costs no node per value.
 */
export type Slot = unknown;

export type ValueNode =
  /** A primitive msgpack carries exactly: string, boolean, null, finite number other than -0. */
  | { k: "p"; v: string | number | boolean | null }
  | { k: "undef" }
  /** NaN, Infinity, -Infinity, -0. */
  | { k: "num"; s: string }
  | { k: "big"; s: string }
  /** A symbol registered with Symbol.for. */
  | { k: "sym"; key: string }
  /** A value reachable from globalThis (Math.max, JSON, Object.prototype, Symbol.iterator). */
  | { k: "global"; path: string }
  /** The exports of a Node builtin module, or one of its members (`name` absent = the module). */
  | { k: "builtin"; module: string; name?: string; namespace?: boolean }
  /**
   * A function rebuilt from source. `form` says how the source parses: as an expression
   * (arrow, function, class) or as an object-literal method (`f(x) { ... }`). `names`/`vals` are
   * the captured variables; `props` are own enumerable properties; `protoProps` are extra
   * members of a constructor function's prototype (ES5-style classes).
   */
  | {
      k: "fn";
      src: string;
      form: "expr" | "method";
      name: string;
      names: string[];
      vals: Ref[];
      props?: [string, Ref][];
      protoProps?: [string, Ref][];
      /**
       * Where the source is in the code the driver ran (a notebook cell's "<cell 3>" and the
       * 1-based line the source starts on): the worker compiles it under that name and line, so
       * a frame of the user's function names the cell line it was written on.
       */
      origin?: { file: string; line: number };
    }
  | { k: "bound"; target: Ref; self: Ref; args: Ref[] }
  /** `holes` lists the positions of array holes (`[1, , 3]`). */
  | { k: "arr"; items: Slot[]; refs: number[]; holes?: number[] }
  /** An array holding only primitives msgpack carries exactly (the common case: data). */
  | { k: "parr"; items: (string | number | boolean | null)[] }
  /**
   * A CommonJS `require` (captured by functions from CJS modules or tslab cells): rebuilt as a
   * require resolving from the same directory, never copied (its cache holds every module).
   */
  | { k: "require"; dir: string }
  /** An object; `proto` is PROTO_OBJECT, PROTO_NULL or a ref (e.g. to a "proto" node). */
  | { k: "obj"; proto: Ref; keys: string[]; vals: Slot[]; refs: number[] }
  /** The prototype object of a user constructor: resolves to ctor.prototype. */
  | { k: "proto"; ctor: Ref }
  | { k: "map"; keys: Slot[]; vals: Slot[]; krefs: number[]; vrefs: number[] }
  | { k: "set"; items: Slot[]; refs: number[] }
  | { k: "date"; t: number }
  | { k: "re"; src: string; flags: string; last: number }
  /** A typed array, Buffer or DataView: the constructor's global name and a copy of its bytes. */
  | { k: "typed"; type: string; bytes: Uint8Array }
  | { k: "abuf"; bytes: Uint8Array }
  | { k: "err"; name: string; message: string; stack?: string }
  | { k: "boxed"; v: Ref }
  /** A [SHIP] reference, rebuilt on the receiving side by the resolver registered for `kind`. */
  | { k: "ship"; kind: string; data: unknown };

/** A function ready to cross a process boundary: plain data, encodable by engine/common/codec. */
export interface SerializedFunction {
  /** Format version, bumped when node shapes change. */
  v: 1;
  /** Operator the function was passed to ("map"), for error messages on the worker. */
  what: string;
  /** The node of the function itself. */
  root: Ref;
  nodes: ValueNode[];
}
