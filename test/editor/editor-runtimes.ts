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

/** Every runtime, or those whose title contains EDITOR_RUNTIME (e.g. `EDITOR_RUNTIME="Node-RED 5"`). */
export function editorRuntimes(): EditorRuntime[] {
  const only = process.env.EDITOR_RUNTIME;
  return only ? ALL.filter((runtime) => runtime.title.includes(only)) : ALL;
}
