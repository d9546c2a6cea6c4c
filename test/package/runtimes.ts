import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../dev/paths';

const execFileAsync = promisify(execFile);

/** A Node-RED release and the Node.js that runs it. */
export interface NodeRedRuntime {
  /** For test titles and logs, e.g. "Node-RED 5.0.7 on Node 22.23.3". */
  label: string;
  nodeRedVersion: string;
  /** Node-RED's package.json, for its `engines.node`. */
  nodeRedPackage: { version: string; engines?: { node?: string } };
  nodeBinary: string;
  nodeVersion: string;
  redScript: string;
  /** PATH with this runtime's Node first, for npm and the scripts it runs. */
  path: string;
}

/** The Node-RED 5 line and the Node.js line that runs it (Node-RED 5 needs Node >= 22.9). */
export const NODE_RED_5 = 'node-red@5';
export const NODE_22 = 'node@22';

const cacheRoot = path.join(projectRoot, '.cache', 'runtimes');
const installedMarker = '.installed';

/** Runs a command; on failure the error carries its output. */
export async function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, {
      cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeoutMs ?? 300_000, maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    const failed = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${failed.message}\n${failed.stdout ?? ''}${failed.stderr ?? ''}`, { cause: err });
  }
}

/** npm, run by the Node.js first on `pathValue` (npm's own script starts with `#!/usr/bin/env node`). */
export function npm(args: string[], options: { cwd?: string; path?: string } = {}): Promise<string> {
  const env = { ...process.env, PATH: options.path ?? process.env.PATH ?? '', npm_config_update_notifier: 'false' };
  return run('npm', [...args, '--no-audit', '--no-fund'], { cwd: options.cwd, env });
}

/**
 * Installs `spec` from the npm registry into `.cache/runtimes/<folder>` once; later calls (and later
 * runs) reuse it. Installed into a temporary folder first, so an interrupted install is never reused.
 */
async function cachedInstall(folder: string, spec: string, pathValue?: string): Promise<string> {
  const target = path.join(cacheRoot, folder);
  if (existsSync(path.join(target, installedMarker))) return target;
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  writeFileSync(path.join(partial, 'package.json'), JSON.stringify({ name: `cache-${folder}`, private: true }));
  await npm(['install', '--no-package-lock', spec], { cwd: partial, path: pathValue });
  writeFileSync(path.join(partial, installedMarker), `${spec}\n`);
  rmSync(target, { recursive: true, force: true });
  renameSync(partial, target);
  return target;
}

function readPackage(file: string): { version: string; engines?: { node?: string } } {
  return JSON.parse(readFileSync(file, 'utf8')) as { version: string; engines?: { node?: string } };
}

const withFirst = (binDir: string): string => `${binDir}${path.delimiter}${process.env.PATH ?? ''}`;

/** Node-RED 4.1 from this repository's devDependencies, on the Node.js running the tests. */
export function nodeRed4(): NodeRedRuntime {
  const redScript = require.resolve('node-red/red.js');
  const nodeRedPackage = readPackage(path.join(path.dirname(redScript), 'package.json'));
  const nodeVersion = process.versions.node;
  return {
    label: `Node-RED ${nodeRedPackage.version} on Node ${nodeVersion}`,
    nodeRedVersion: nodeRedPackage.version, nodeRedPackage,
    nodeBinary: process.execPath, nodeVersion, redScript,
    path: withFirst(path.dirname(process.execPath)),
  };
}

let nodeRed5Install: Promise<NodeRedRuntime> | undefined;

/**
 * Node-RED 5 on Node 22, both from the npm registry (the `node` package brings a Node.js binary),
 * cached in `.cache/runtimes/`. Node-RED is installed by Node 22's npm run, so anything it builds
 * is built for Node 22.
 */
export function nodeRed5(log: (line: string) => void = () => {}): Promise<NodeRedRuntime> {
  nodeRed5Install ??= (async () => {
    let started = Date.now();
    const nodeDir = await cachedInstall('node-22', NODE_22);
    const binDir = path.join(nodeDir, 'node_modules', '.bin');
    const nodeBinary = path.join(binDir, 'node');
    const nodeVersion = (await run(nodeBinary, ['--version'])).trim().replace(/^v/, '');
    const pathValue = withFirst(binDir);
    log(`Node ${nodeVersion} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    started = Date.now();
    const nodeRedDir = await cachedInstall('node-red-5', NODE_RED_5, pathValue);
    const redScript = path.join(nodeRedDir, 'node_modules', 'node-red', 'red.js');
    const nodeRedPackage = readPackage(path.join(nodeRedDir, 'node_modules', 'node-red', 'package.json'));
    log(`Node-RED ${nodeRedPackage.version} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return {
      label: `Node-RED ${nodeRedPackage.version} on Node ${nodeVersion}`,
      nodeRedVersion: nodeRedPackage.version, nodeRedPackage,
      nodeBinary, nodeVersion, redScript, path: pathValue,
    };
  })();
  nodeRed5Install.catch(() => { nodeRed5Install = undefined; });
  return nodeRed5Install;
}
