import { stopTestFlink } from './flink/test-cluster';

/** Mocha's global teardown: runs once after every test, also after failures. */
export async function mochaGlobalTeardown(): Promise<void> {
  await stopTestFlink();
}
