/**
 * Pre-installs what the packaging tests run besides this repository's Node-RED 4.1: Node 22 and
 * Node-RED 5 from the npm registry, into `.cache/runtimes/` (for CI, so the install is timed on its
 * own; the tests install them on first use too).
 */
import { nodeRed5 } from './runtimes';

nodeRed5((line) => console.log(`[runtimes] ${line}`))
  .then((runtime) => console.log(`[runtimes] ${runtime.label}: ${runtime.redScript}`))
  .catch((err: Error) => {
    console.error(`[runtimes] ${err.message}`);
    process.exit(1);
  });
