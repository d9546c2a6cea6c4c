import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../dev/flink/cluster';
import { settingsModule, startNodeRed, type RunningNodeRed } from '../../dev/node-red';
import { packPlugin, type PackedPlugin } from './pack';
import { npm, nodeRed4, type NodeRedRuntime } from './runtimes';

/** A Node-RED with a fresh user dir, into which the packed plugin was installed with npm. */
export interface PackedNodeRed extends RunningNodeRed {
  runtime: NodeRedRuntime;
  plugin: PackedPlugin;
  userDir: string;
  credentialSecret: string;
  /** Everything Node-RED printed until its admin API answered: node loading, warnings, flows. */
  startupLog: string;
  /** Everything Node-RED printed so far. */
  log(): string;
}

/**
 * Node-RED modules this repository's node_modules holds for its own development (Dashboard 2.0, and the companion
 * the workspace links there). Node-RED also loads the modules of every node_modules above its own, which is this
 * repository's: a user dir that did not install one of them must not get it from there.
 */
const DEVELOPMENT_NODE_MODULES = ['@flowfuse/node-red-dashboard', '@flink-ops/node-red-dashboard-2-flink'];

/**
 * Installs the packed plugin (and `alsoInstall`: tarballs or registry specs) into a new user dir the way Node-RED's
 * palette manager does (npm install, production dependencies only, engines enforced), then starts `runtime`'s
 * Node-RED there on a free port, with telemetry, update checks and tours off. `stop()` also removes the user dir.
 */
export async function startPackedNodeRed(runtime: NodeRedRuntime, plugin?: PackedPlugin, alsoInstall: string[] = []): Promise<PackedNodeRed> {
  const packed = plugin ?? await packPlugin();
  const userDir = mkdtempSync(path.join(os.tmpdir(), 'node-red-packed-'));
  try {
    writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({
      name: 'node-red-project', description: 'A Node-RED project', version: '0.0.1', private: true,
    }, null, 2));
    await npm(['install', '--save', '--omit=dev', '--engine-strict', packed.tarball, ...alsoInstall], { cwd: userDir, path: runtime.path });

    const credentialSecret = randomBytes(24).toString('hex');
    const settingsFile = path.join(userDir, 'settings.js');
    const nodesExcludes = DEVELOPMENT_NODE_MODULES.filter((name) => !existsSync(path.join(userDir, 'node_modules', name)))
      .map((name) => name.split('/')[1]!);
    writeFileSync(settingsFile, settingsModule({ credentialSecret, nodesExcludes }, 'the packed-plugin tests (test/package/packed-node-red.ts)'));

    let output = '';
    const running = await startNodeRed({
      userDir, settingsFile, port: await freePort(),
      nodeBinary: runtime.nodeBinary, redScript: runtime.redScript,
      output: (text) => { output += text; },
    }).catch((err: Error) => { throw new Error(`${runtime.label}: ${err.message}\n${output}`); });
    const startupLog = output;
    return {
      ...running,
      runtime, plugin: packed, userDir, credentialSecret, startupLog,
      log: () => output,
      async stop() {
        await running.stop();
        rmSync(userDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(userDir, { recursive: true, force: true });
    throw err;
  }
}

let shared: Promise<PackedNodeRed> | undefined;

/** One Node-RED 4.1 with the packed plugin for the whole test run (the editor tests share it); started on first use. */
export function sharedPackedNodeRed(): Promise<PackedNodeRed> {
  shared ??= startPackedNodeRed(nodeRed4());
  return shared;
}

/** Stops the shared Node-RED, if it was started; for the run's global teardown. */
export async function stopSharedPackedNodeRed(): Promise<void> {
  const pending = shared;
  shared = undefined;
  const running = await pending?.catch(() => undefined);
  await running?.stop();
}
