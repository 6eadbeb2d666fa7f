import type { EngineContext } from '../context.ts';

/**
 * One value per engine, made on first use. Command specs whose effects reach the hub, the bus
 * or the storage machinery are built this way: the runner keys specs by kind, and server.ts
 * lists the same objects for restart.
 */
export function perContext<T>(make: (ctx: EngineContext) => T): (ctx: EngineContext) => T {
  const made = new WeakMap<EngineContext, T>();
  return (ctx) => {
    let value = made.get(ctx);
    if (value === undefined) made.set(ctx, (value = make(ctx)));
    return value;
  };
}
