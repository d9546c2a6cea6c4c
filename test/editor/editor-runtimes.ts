import { sharedPackedNodeRed, startPackedNodeRed, type PackedNodeRed } from '../package/packed-node-red';
import { nodeRed5 } from '../package/runtimes';

/** A Node-RED the editor suite runs against, with the packed plugin installed. */
export interface EditorRuntime {
  title: string;
  start(): Promise<PackedNodeRed>;
  /** Stops what start() started for this suite alone (the run's shared Node-RED 4.1 is stopped by the global teardown). */
  stop(nodeRed: PackedNodeRed): Promise<void>;
  /** Whether the suite takes the README's pictures here: they show Node-RED 4.1, as `npm run screenshots` does. */
  readmeScreenshots: boolean;
}

const ALL: EditorRuntime[] = [
  { title: 'Node-RED 4.1', start: sharedPackedNodeRed, stop: async () => {}, readmeScreenshots: true },
  { title: 'Node-RED 5 on Node 22', start: async () => startPackedNodeRed(await nodeRed5()), stop: (nodeRed) => nodeRed.stop(), readmeScreenshots: false },
];

/**
 * The runtime of this title, unless EDITOR_RUNTIME leaves it out on purpose (then none); a title no runtime has is
 * an error, so that an editor test file never defines no tests by mistake.
 */
export function editorRuntimeTitled(title: string): EditorRuntime[] {
  if (!ALL.some((runtime) => runtime.title === title)) throw new Error(`no editor runtime is titled "${title}"`);
  return editorRuntimes().filter((runtime) => runtime.title === title);
}

/** Every runtime, or those whose title contains EDITOR_RUNTIME (e.g. `EDITOR_RUNTIME="Node-RED 5"`). */
export function editorRuntimes(): EditorRuntime[] {
  const only = process.env.EDITOR_RUNTIME;
  return only ? ALL.filter((runtime) => runtime.title.includes(only)) : ALL;
}
