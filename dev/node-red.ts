import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { readExampleFlows, repointClusters, seedFlows, type ClusterAddresses, type FlowNode } from './example-flows';
import { projectRoot } from './paths';

const HOST = '127.0.0.1';
const STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

/** Fails with a clear message when something already listens on the editor's port. */
export async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE'
      ? new Error(`port ${port} is already in use (another Node-RED?); stop that or choose another one, e.g. PORT=1881 npm start`)
      : err));
    probe.listen(port, HOST, () => probe.close(() => resolve()));
  });
}

export interface NodeRedSettings {
  credentialSecret: string;
  /** Folders Node-RED scans for node modules besides the user dir's node_modules. */
  nodesDir?: string[];
  /** Node-RED's context stores (its default: one memory store). */
  contextStorage?: Record<string, { module: string; config?: Record<string, unknown> }>;
  /** Module folder names Node-RED does not load, wherever it finds them. */
  nodesExcludes?: string[];
}

/**
 * `npm start`'s context stores: Node-RED's default store on disk (the user dir's `context/`), so what the example
 * flows keep (the savepoint catalog above all) survives a restart. Its cache is written every 30 s and when
 * Node-RED stops cleanly (Ctrl-C); it keeps flow and global context readable without a callback, as function
 * nodes read it.
 */
export const DEV_CONTEXT_STORAGE = { default: { module: 'localfilesystem' } };

/** Node-RED settings for a machine without a network: loopback only; telemetry, update checks, the palette catalogue and tours off. */
export function settingsModule(settings: NodeRedSettings, writtenBy = '`npm start` (dev/node-red.ts)'): string {
  const content = {
    flowFile: 'flows.json',
    flowFilePretty: true,
    credentialSecret: settings.credentialSecret,
    uiHost: HOST,
    ...(settings.nodesDir ? { nodesDir: settings.nodesDir } : {}),
    ...(settings.contextStorage ? { contextStorage: settings.contextStorage } : {}),
    ...(settings.nodesExcludes ? { nodesExcludes: settings.nodesExcludes } : {}),
    telemetry: { enabled: false, updateNotification: false },
    // No welcome tour, and no palette catalogue: the editor would fetch it from the internet.
    editorTheme: { tours: false, palette: { catalogues: [] } },
  };
  return `// Written by ${writtenBy} on every start: edits here are overwritten.\n`
    + `module.exports = ${JSON.stringify(content, null, 2)};\n`;
}

export interface PreparedUserDir {
  settingsFile: string;
  /** What happened to the flow file, for the start-up log. */
  flowsNote: string;
}

const describe = (addresses: ClusterAddresses): string =>
  `${addresses.flinkUrl}${addresses.sqlGatewayUrl ? ` (SQL gateway ${addresses.sqlGatewayUrl})` : ''}`;

/** The example flows `npm start` seeds: this package's, and the Dashboard 2.0 companion's (its Ops dashboard). */
export const EXAMPLE_DIRS = [path.join(projectRoot, 'examples'), path.join(projectRoot, 'dashboard', 'examples')];

/**
 * Writes the settings, keeps one credential secret per user dir, seeds the flow file with the
 * examples on first run, and re-points `flink-cluster` nodes left on the previous run's local Flink and SQL gateway.
 */
export function prepareUserDir(userDir: string, flink: ClusterAddresses,
  examplesDirs: readonly string[] = EXAMPLE_DIRS): PreparedUserDir {
  mkdirSync(userDir, { recursive: true });
  const secretFile = path.join(userDir, '.credential-secret');
  if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(24).toString('hex'), { mode: 0o600 });
  const settingsFile = path.join(userDir, 'settings.js');
  // This repository is a Node-RED module (package.json has a `node-red` section): load it from here. Dashboard 2.0
  // finds third-party widgets in the package.json of each nodesDir: dashboard/'s names ui-flink-jobs (Node-RED
  // itself loads the companion once, from the workspace's link in node_modules).
  writeFileSync(settingsFile, settingsModule({
    credentialSecret: readFileSync(secretFile, 'utf8').trim(), nodesDir: [projectRoot, path.join(projectRoot, 'dashboard')],
    contextStorage: DEV_CONTEXT_STORAGE,
  }));

  const flowsFile = path.join(userDir, 'flows.json');
  const stateFile = path.join(userDir, 'flink-dev-state.json');
  let flowsNote: string;
  if (!existsSync(flowsFile)) {
    const examples = examplesDirs.flatMap((dir) => readExampleFlows(dir));
    const from = examplesDirs.map((dir) => `${path.relative(projectRoot, dir)}/`).join(' and ');
    if (examples.length > 0) {
      writeFileSync(flowsFile, JSON.stringify(seedFlows(examples, flink), null, 4));
      flowsNote = `seeded with ${examples.length} example flow(s) from ${from}`;
    } else {
      flowsNote = `empty: ${from} has no flows yet`;
    }
  } else {
    const flows: unknown = JSON.parse(readFileSync(flowsFile, 'utf8'));
    const previous = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) as Partial<ClusterAddresses> : {};
    const from = previous.flinkUrl ? { flinkUrl: previous.flinkUrl, sqlGatewayUrl: previous.sqlGatewayUrl } : undefined;
    const moved = Array.isArray(flows) && from ? repointClusters(flows as FlowNode[], from, flink) : 0;
    if (moved > 0) writeFileSync(flowsFile, JSON.stringify(flows, null, 4));
    flowsNote = `kept from the last run${moved > 0 && from ? `; ${moved} flink-cluster node(s) moved from ${describe(from)} to ${describe(flink)}` : ''}`;
  }
  writeFileSync(stateFile, JSON.stringify({ flinkUrl: flink.flinkUrl, sqlGatewayUrl: flink.sqlGatewayUrl ?? '' }, null, 2));
  return { settingsFile, flowsNote };
}

export interface RunningNodeRed {
  editorUrl: string;
  pid: number;
  /** Settles when Node-RED exits, with its exit code (or signal). */
  exited: Promise<number | string>;
  /** Asks Node-RED to stop its flows and exit; kills it after a time limit. Safe to call twice. */
  stop(): Promise<void>;
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || !isRunning(child)) return;
  try { process.kill(-child.pid, signal); } catch { /* already gone */ }
}

async function waitUntilAnswering(editorUrl: string, child: ChildProcess, readyPath = 'settings'): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!isRunning(child)) throw new Error(`Node-RED exited during start-up (${child.exitCode ?? child.signalCode}); its log is above`);
    try {
      const response = await fetch(`${editorUrl}${readyPath}`, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Node-RED did not answer ${editorUrl}${readyPath} within ${STARTUP_TIMEOUT_MS / 1000} s`);
}

export interface StartNodeRedOptions {
  userDir: string;
  settingsFile: string;
  port: number;
  /** Passed to the flows as the environment variable FLINK_URL. */
  flinkUrl?: string;
  /** More environment variables for Node-RED's process (the flows read them with `${NAME}` or an env-typed value). */
  env?: Record<string, string>;
  /** The Node.js binary; default: the one running this program. */
  nodeBinary?: string;
  /** Node-RED's red.js; default: this repository's node_modules/node-red. */
  redScript?: string;
  /** Start without starting the flows (Node-RED's --safe). */
  safeMode?: boolean;
  /** Receives Node-RED's stdout and stderr; without it they go to this program's terminal. */
  output?: (text: string) => void;
  /** The admin path that answers 200 once Node-RED is up (default `settings`; with adminAuth set, `auth/login`). */
  readyPath?: string;
}

/**
 * Starts Node-RED (by default from this repository's node_modules) in its own process group (so
 * only this program decides when it stops), and waits until the admin API answers.
 */
export async function startNodeRed(options: StartNodeRedOptions): Promise<RunningNodeRed> {
  const child = spawn(options.nodeBinary ?? process.execPath, [
    options.redScript ?? require.resolve('node-red/red.js'),
    '--userDir', options.userDir, '--port', String(options.port), '--settings', options.settingsFile,
    ...(options.safeMode ? ['--safe'] : []),
  ], {
    detached: true,
    stdio: ['ignore', options.output ? 'pipe' : 'inherit', options.output ? 'pipe' : 'inherit'],
    env: { ...process.env, ...options.env, ...(options.flinkUrl ? { FLINK_URL: options.flinkUrl } : {}) },
  });
  if (child.pid === undefined) throw new Error('could not start Node-RED');
  const output = options.output;
  if (output) {
    child.stdout?.setEncoding('utf8').on('data', output);
    child.stderr?.setEncoding('utf8').on('data', output);
  }
  const pid = child.pid;
  process.on('exit', () => killGroup(child, 'SIGKILL')); // never outlive this program
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (!isRunning(child)) return;
      const force = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_TIMEOUT_MS);
      killGroup(child, 'SIGTERM');
      await exited;
      clearTimeout(force);
    })();
    return stopped;
  };

  const editorUrl = `http://${HOST}:${options.port}/`;
  try {
    await waitUntilAnswering(editorUrl, child, options.readyPath);
  } catch (err) {
    await stop();
    throw err;
  }
  return { editorUrl, pid, exited, stop };
}
