import { createHook } from 'node:async_hooks';

/** A timer, immediate or socket that code of this package created and that is still alive. */
export interface TrackedResource {
  type: string;
  /** Where it was created: the stack of the call that made it. */
  stack: string;
}

const TRACKED_TYPES = new Set(['Timeout', 'Immediate', 'TCPWRAP', 'TLSWRAP']);

export interface ResourceTracker {
  alive(): TrackedResource[];
  /**
   * Stops tracking once nothing is alive any more, or after `withinMs`: then what is still alive, each as
   * "<type> created at <the package's own frame>" (empty when nothing was left behind).
   */
  leftBehind(withinMs: number): Promise<string[]>;
}

/** Frames of the package's own built code (client and nodes), not of tests, Node-RED or undici alone. */
const OWN_FRAME = /[\\/]dist[\\/](src|nodes)[\\/]/;

/**
 * Follows each timer, immediate and socket created from the package's own code while it runs, by its async id,
 * until Node destroys it: what is still listed afterwards is exactly what was left behind, named with its stack.
 */
export function trackOwnResources(): ResourceTracker {
  const alive = new Map<number, TrackedResource>();
  const hook = createHook({
    init(asyncId, type) {
      if (!TRACKED_TYPES.has(type)) return;
      const stack = new Error().stack ?? '';
      if (OWN_FRAME.test(stack)) alive.set(asyncId, { type, stack });
    },
    destroy(asyncId) {
      alive.delete(asyncId);
    },
  });
  hook.enable();
  return {
    alive: () => [...alive.values()],
    async leftBehind(withinMs) {
      const deadline = Date.now() + withinMs;
      while (alive.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      hook.disable();
      return [...alive.values()].map(({ type, stack }) => `${type} created ${stack.split('\n').find((line) => OWN_FRAME.test(line))?.trim() ?? '?'}`);
    },
  };
}
