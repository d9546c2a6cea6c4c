import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../dev/flink/cluster';
import { startNodeRed, type RunningNodeRed } from '../../dev/node-red';
import { projectRoot } from '../../dev/paths';

/*
 * A real Node-RED process (this repository's 4.1) with this package loaded from the build (dist/) for tests
 * that need what the in-process test helper cannot give: restarts, a crash (SIGKILL), two instances at once.
 *
 *   const red = await NodeRedProcess.start();          // fresh user dir, file-backed context store 'file'
 *   await red.deploy([...flow, ...collector('out', tabId)]); // waits until the new flows have started
 *   await red.inject('inject-node-id', { jobName: 'x' }); // fires an inject node (admin POST /inject/:id)
 *   const [msg] = await red.waitForMessages('out', 1);  // what reached the collector, read back from its file
 *   await red.kill(); await red.start();                // a crash, then Node-RED again on the same user dir
 *   await red.stop({ removeUserDir: true });
 *
 * Context store `file` is Node-RED's localfilesystem with `cache: false`: every set is written through to
 * disk (atomically) before its callback, so a record the plugin has stored survives a SIGKILL. The default
 * store stays in memory.
 */

/** The context store name the tests' cluster configs choose (`stateStore`). */
export const FILE_STORE = 'file';

/** A node of a flow as deployed through the admin API. */
export type FlowNode = Record<string, unknown> & { id: string; type: string };

/** One message that reached a collector, as the collector wrote it (req, res and functions left out). */
export interface CollectedMessage {
  collector: string;
  /** The process's start number (1 for the first): tells a message sent before a restart from one after it. */
  start: number;
  msg: Record<string, unknown>;
  /**
   * Set on a line the collector had not finished writing: a message did reach the collector, but what it was is
   * unknown (`msg` is empty). `collector` and `start` are read from what was written: '' and 0 when it was cut
   * before them (such a line counts for every collector). `final`: more follows it in the file, so it was cut
   * short for good (a kill; Node-RED appends its next line to it); else it may still be being written.
   */
  partial?: { text: string; final: boolean };
}

/** Each collected line begins so (the collector writes `collector` first); a JSON string cannot hold it unescaped. */
const LINE_START = '{"collector":';

/**
 * The collect file's messages, half-written ones included (flagged `partial`): a line with no newline yet, and a
 * line cut short by a kill, to which Node-RED appended the next start's first line.
 */
export function parseCollected(text: string): CollectedMessage[] {
  const lines = text.split('\n');
  return lines.flatMap((line, index) => {
    if (line.trim() === '') return [];
    const pieces = piecesOf(line);
    return pieces.map((piece, at) => {
      try {
        return JSON.parse(piece) as CollectedMessage;
      } catch {
        const trailing = index === lines.length - 1 && at === pieces.length - 1;
        return halfWritten(piece, !trailing);
      }
    });
  });
}

/** A line as written, or, when it does not parse, its pieces: one at each start of a collected line. */
function piecesOf(line: string): string[] {
  try {
    JSON.parse(line);
    return [line];
  } catch {
    const starts = [0];
    for (let at = line.indexOf(LINE_START, 1); at > 0; at = line.indexOf(LINE_START, at + 1)) starts.push(at);
    return starts.map((start, k) => line.slice(start, starts[k + 1]));
  }
}

function halfWritten(text: string, final: boolean): CollectedMessage {
  const named = /^\{"collector":("(?:[^"\\]|\\.)*")(?:,"start":(\d+)[,}])?/.exec(text);
  return {
    collector: named ? JSON.parse(named[1]!) as string : '',
    start: named?.[2] ? Number(named[2]) : 0,
    msg: {},
    partial: { text, final },
  };
}

export interface NodeRedProcessOptions {
  /** Reuse a user dir (its flows and context); default a fresh temporary one, removed by stop({ removeUserDir }). */
  userDir?: string;
  /** Settings merged over the defaults (contextStorage, ...). */
  settings?: Record<string, unknown>;
}

const COLLECT_ENV = 'FLINK_TEST_COLLECT_FILE';
const STARTED_FLOWS = 'Started flows';
/** Only a guard against a hang: waiting ends when the flows have started, or when Node-RED has exited. */
const FLOW_START_LIMIT_MS = 120_000;

/**
 * Nodes that write every message wired into `<name>` to the process's collect file as one JSON line: a function
 * node (the input to wire to has id `name`) and a file node. Add `catchAll: true` for a Catch node of the whole
 * flow tab (`z`) feeding it, so errors are collected as messages with msg.error.
 */
export function collector(name: string, z: string, options: { catchAll?: boolean } = {}): FlowNode[] {
  const fileId = `${name}-file`;
  const nodes: FlowNode[] = [
    {
      id: name, type: 'function', z, name: `collect ${name}`, outputs: 1, wires: [[fileId]],
      func: `const copy = {};
for (const [key, value] of Object.entries(msg)) {
  if (key === 'req' || key === 'res' || typeof value === 'function') continue;
  copy[key] = value;
}
return { payload: JSON.stringify({ collector: ${JSON.stringify(name)}, start: Number(env.get('FLINK_TEST_START')), msg: copy }) };`,
    },
    {
      id: fileId, type: 'file', z, name: '', filename: COLLECT_ENV, filenameType: 'env',
      appendNewline: true, createDir: true, overwriteFile: 'false', encoding: 'utf8', wires: [[]],
    },
  ];
  if (options.catchAll) nodes.push({ id: `${name}-catch`, type: 'catch', z, name: '', scope: null, uncaught: false, wires: [[name]] });
  return nodes;
}

/** A flink-cluster config node for `url` that keeps the plugin's records in the file-backed store. */
export function fileBackedCluster(id: string, url: string): FlowNode {
  return { id, type: 'flink-cluster', name: `flink ${id}`, url, stateStore: FILE_STORE };
}

/** An inject node that fires only when told (`NodeRedProcess.inject`), sending msg.payload = true. */
export function injectNode(id: string, z: string, wires: string[]): FlowNode {
  return { id, type: 'inject', z, name: '', props: [{ p: 'payload' }], payload: 'true', payloadType: 'bool', repeat: '', crontab: '', once: false, onceDelay: 0.1, topic: '', wires: [wires] };
}

/** A flow tab. */
export function tab(id: string, label = id): FlowNode {
  return { id, type: 'tab', label, disabled: false, info: '' };
}

/** A Node-RED process on a user dir that outlives it: start, deploy, inject, collect, restart, kill. */
export class NodeRedProcess {
  private running: RunningNodeRed | undefined;
  private output = '';
  private starts = 0;
  private port = 0;

  private constructor(readonly userDir: string, private readonly ownsUserDir: boolean, private readonly settings: Record<string, unknown>) {}

  /** Writes the settings and starts Node-RED; resolves once its admin API answers and its flows have started. */
  static async start(options: NodeRedProcessOptions = {}): Promise<NodeRedProcess> {
    const userDir = options.userDir ?? mkdtempSync(path.join(os.tmpdir(), 'node-red-process-'));
    const red = new NodeRedProcess(userDir, options.userDir === undefined, options.settings ?? {});
    try {
      await red.start();
    } catch (err) {
      if (red.ownsUserDir) rmSync(userDir, { recursive: true, force: true });
      throw err;
    }
    return red;
  }

  /** The editor's (and admin API's) base URL, ending in `/`. */
  get url(): string {
    if (!this.running) throw new Error('Node-RED is not running');
    return this.running.editorUrl;
  }

  get pid(): number | undefined {
    return this.running?.pid;
  }

  /** The file collectors append to (it survives restarts). */
  get collectFile(): string {
    return path.join(this.userDir, 'collected.jsonl');
  }

  /** Everything Node-RED printed, across its starts. */
  log(): string {
    return this.output;
  }

  /** Starts Node-RED (again) on the user dir and waits until its flows have started. */
  async start(): Promise<void> {
    if (this.running) throw new Error('Node-RED is already running');
    mkdirSync(this.userDir, { recursive: true });
    const settingsFile = this.writeSettings(++this.starts);
    this.port ||= await freePort();
    const startsBefore = this.flowStarts();
    this.output += `\n--- start ${this.starts} ---\n`;
    try {
      this.running = await startNodeRed({
        userDir: this.userDir, settingsFile, port: this.port, output: (text) => { this.output += text; },
      });
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${this.output}`, { cause: err });
    }
    // With no flows deployed yet, Node-RED starts none and prints no "Started flows".
    if (existsSync(path.join(this.userDir, 'flows.json'))) await this.waitForFlowStart(startsBefore);
  }

  /** SIGTERM (Node-RED closes its flows and flushes its context), then start again on the same user dir. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Ends the process at once with `signal` (a crash): nothing of Node-RED's shutdown runs. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    try { process.kill(-running.pid, signal); } catch { /* already gone */ }
    await running.exited;
  }

  /** Stops Node-RED cleanly (SIGTERM); removes the user dir when asked and it was a temporary one. */
  async stop(options: { removeUserDir?: boolean } = {}): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.stop();
    if (options.removeUserDir && this.ownsUserDir) rmSync(this.userDir, { recursive: true, force: true });
  }

  /** Deploys the flows (full) and waits until Node-RED has started them (it answers POST /flows before). */
  async deploy(flows: FlowNode[]): Promise<void> {
    const startsBefore = this.flowStarts();
    const response = await fetch(`${this.url}flows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full', 'Node-RED-API-Version': 'v1' },
      body: JSON.stringify(flows),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`deploy failed: ${response.status} ${text}`);
    await this.waitForFlowStart(startsBefore);
  }

  /**
   * Fires an inject node, as its button in the editor does; with `properties`, the message has those (any JSON
   * values) instead of the node's own, as the editor's "inject now" with edited properties sends them.
   */
  async inject(nodeId: string, properties?: Record<string, unknown>): Promise<void> {
    const body = properties === undefined ? undefined
      : { __user_inject_props__: Object.entries(properties).map(([p, value]) => ({ p, v: JSON.stringify(value), vt: 'json' })) };
    const response = await fetch(`${this.url}inject/${encodeURIComponent(nodeId)}`, {
      method: 'POST', signal: AbortSignal.timeout(30_000),
      ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`inject ${nodeId} failed: ${response.status} ${text}`);
  }

  /**
   * The messages collectors have written so far (all starts), optionally of one collector. A message the collector
   * has not finished writing (cut short by a kill, or being written right now) is there too, flagged `partial`:
   * it counts as a message that reached the collector.
   */
  messages(collectorName?: string): CollectedMessage[] {
    if (!existsSync(this.collectFile)) return [];
    return parseCollected(readFileSync(this.collectFile, 'utf8'))
      .filter((entry) => collectorName === undefined || entry.collector === collectorName || (entry.partial !== undefined && entry.collector === ''));
  }

  /**
   * Waits until `count` messages have reached the collector (optionally: messages that match), each written whole;
   * fails on one cut short for good (a kill while it was written).
   */
  async waitForMessages(collectorName: string, count: number, options: { timeoutMs?: number; where?: (entry: CollectedMessage) => boolean } = {}): Promise<CollectedMessage[]> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const found = this.messages(collectorName).filter(options.where ?? (() => true));
      const cut = found.find((entry) => entry.partial && (entry.partial.final || !this.running));
      if (cut) throw new Error(`a message to collector ${collectorName} was cut short while it was written: ${cut.partial!.text.slice(0, 300)}`);
      if (found.length >= count && found.every((entry) => !entry.partial)) return found;
      if (Date.now() > deadline) {
        throw new Error(`${found.length} of ${count} message(s) reached collector ${collectorName} within ${options.timeoutMs ?? 60_000} ms\n${this.output.slice(-4000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The number of the current start (1 for the first), as collected messages carry it in `start`. */
  get startNumber(): number {
    return this.starts;
  }

  private flowStarts(): number {
    return this.output.split(STARTED_FLOWS).length - 1;
  }

  private async waitForFlowStart(startsBefore: number): Promise<void> {
    let exited: number | string | undefined;
    void this.running?.exited.then((code) => { exited = code; });
    const deadline = Date.now() + FLOW_START_LIMIT_MS;
    while (this.flowStarts() === startsBefore) {
      if (exited !== undefined) throw new Error(`Node-RED exited (${exited}) before its flows started:\n${this.output.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`the flows did not start within ${FLOW_START_LIMIT_MS / 1000} s:\n${this.output.slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** settings.js for this start: the build loaded from this repository, a write-through file store, the collect file. */
  private writeSettings(start: number): string {
    const secretFile = path.join(this.userDir, '.credential-secret');
    if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(24).toString('hex'), { mode: 0o600 });
    const settings = {
      flowFile: 'flows.json',
      credentialSecret: readFileSync(secretFile, 'utf8').trim(),
      uiHost: '127.0.0.1',
      nodesDir: [projectRoot],
      functionExternalModules: false,
      telemetry: { enabled: false, updateNotification: false },
      editorTheme: { tours: false, palette: { catalogues: [] } },
      logging: { console: { level: 'info', metrics: false, audit: false } },
      contextStorage: {
        default: { module: 'memory' },
        [FILE_STORE]: { module: 'localfilesystem', config: { cache: false } },
      },
      ...this.settings,
    };
    const settingsFile = path.join(this.userDir, 'settings.js');
    writeFileSync(settingsFile, '// Written by test/support/node-red-process.ts on every start.\n'
      + `process.env.${COLLECT_ENV} = ${JSON.stringify(this.collectFile)};\n`
      + `process.env.FLINK_TEST_START = ${JSON.stringify(String(start))};\n`
      + `module.exports = ${JSON.stringify(settings, null, 2)};\n`);
    return settingsFile;
  }
}
