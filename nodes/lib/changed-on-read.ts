// msg.changed of a telemetry message, worked out only when read: a flow on every poll rarely
// looks at it (cloneMessage and Debug do read it, and get the keys as a plain value).

/** Where a message keeps how to work out its keys (not enumerable: clones copy `changed` itself). */
const WORK_OUT = Symbol('work out msg.changed');

/**
 * One getter and setter for every message. An accessor made per message gave each message a
 * hidden class of its own, which V8 allocates in its old generation: at 1000 chargers that
 * was much of the heap's growth between collections (bench/README.md, "Where the memory goes").
 */
const CHANGED_ON_READ: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: { [WORK_OUT]: () => string[] }) {
    return this[WORK_OUT]();
  },
  set(this: object, value: unknown) {
    Object.defineProperty(this, 'changed', { value, enumerable: true, configurable: true, writable: true });
  },
};

/** Gives `msg` a `changed` property that calls `workOut` when read; a flow may overwrite it. */
export function changedOnRead<T extends object>(msg: T, workOut: () => string[]): T & { changed: string[] } {
  Object.defineProperty(msg, WORK_OUT, { value: workOut, configurable: true });
  return Object.defineProperty(msg, 'changed', CHANGED_ON_READ) as T & { changed: string[] };
}
