import { createHook } from 'node:async_hooks';

/** A timer, immediate or socket that code of this package created and that is still alive. */
export interface TrackedResource {
  type: string;
  /** Where it was created: the stack of the call that made it. */
  stack: string;
}

const TRACKED_TYPES = new Set(['Timeout', 'Immediate', 'TCPWRAP', 'TLSWRAP']);
/** Frames of the package's own built code (client and nodes), not of tests, Node-RED or undici alone. */
const OWN_CODE = /[\\/]dist[\\/](src|nodes)[\\/]/;

/**
 * Follows each timer, immediate and socket created from the package's own code while it runs, by its async id,
 * until Node destroys it: what is still listed afterwards is exactly what was left behind, named with its stack.
 */
export function trackOwnResources(): { alive(): TrackedResource[]; stop(): void } {
  const alive = new Map<number, TrackedResource>();
  const hook = createHook({
    init(asyncId, type) {
      if (!TRACKED_TYPES.has(type)) return;
      const stack = new Error().stack ?? '';
      if (OWN_CODE.test(stack)) alive.set(asyncId, { type, stack });
    },
    destroy(asyncId) {
      alive.delete(asyncId);
    },
  });
  hook.enable();
  return { alive: () => [...alive.values()], stop: () => hook.disable() };
}
