import { stopAdaptiveTestFlink } from './flink/adaptive-cluster';
import { stopTestFlink } from './flink/test-cluster';
import { stopSharedPackedNodeRed } from './package/packed-node-red';

/** Mocha's global teardown: runs once after every test, also after failures. */
export async function mochaGlobalTeardown(): Promise<void> {
  await stopSharedPackedNodeRed();
  await Promise.all([stopTestFlink(), stopAdaptiveTestFlink()]);
}
