/**
 * Remembers the last call. Selectors that build arrays or trees go through this so zustand
 * gets the same reference back while the inputs are unchanged; a fresh array on every read
 * would re-render forever under useSyncExternalStore.
 */
export function memoizeLast<A extends readonly unknown[], R>(
  compute: (...args: A) => R,
): (...args: A) => R {
  let last: { args: A; result: R } | null = null;
  return (...args: A): R => {
    if (
      last &&
      last.args.length === args.length &&
      last.args.every((arg, i) => Object.is(arg, args[i]))
    ) {
      return last.result;
    }
    const result = compute(...args);
    last = { args, result };
    return result;
  };
}
