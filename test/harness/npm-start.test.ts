import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../flink/cluster';
import { readExampleFlows, type FlowNode } from '../flink/example-flows';
import { projectRoot } from '../flink/paths';
import { requireLocalRun } from '../flink/skips';

const isAlive = (pid: number): boolean => {
  try { process.kill(pid, 0); return true; } catch { return false; }
};

/** Child processes of `pid` with their command lines, read from /proc. */
function childrenOf(pid: number): { pid: number; cmdline: string }[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).flatMap((entry) => {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === pid ? [{ pid: Number(entry), cmdline: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ') }] : [];
    } catch { return []; } // ended while we looked
  });
}

async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200, `GET ${url}`);
  return await response.json() as T;
}

describe('npm start (dist/test/flink/main.js)', function () {
  this.timeout(180_000);
  let main: ChildProcess;
  let output = '';
  let userDir: string;
  let port: number;
  let children: { pid: number; cmdline: string }[] = [];
  let exit: Promise<number | string>;

  /** Resolves with the first match of `pattern` in main's output; fails if main exits first. */
  function waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        const match = pattern.exec(output);
        if (match) { clearInterval(timer); resolve(match); }
        else if (main.exitCode !== null || Date.now() > deadline) {
          clearInterval(timer);
          reject(new Error(`no ${pattern} in npm start's output (exit ${main.exitCode}):\n${output.slice(-3000)}`));
        }
      }, 200);
      const deadline = Date.now() + timeoutMs;
    });
  }

  before(async function () {
    requireLocalRun(this, 'npm start brings up a local Flink and its JVMs');
    userDir = mkdtempSync(path.join(os.tmpdir(), 'node-red-dev-'));
    port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), NODE_RED_USER_DIR: userDir };
    delete env.FLINK_URL;
    main = spawn(process.execPath, [path.join(projectRoot, 'dist', 'test', 'flink', 'main.js')], { cwd: projectRoot, env });
    main.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    main.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    exit = new Promise((resolve) => main.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  });

  after(async function () {
    // Only matters when a test failed half-way: nothing of this run may outlive the suite.
    if (main === undefined) return; // skipped: nothing was started
    if (main.exitCode === null && main.signalCode === null) {
      children = [...children, ...childrenOf(main.pid!)];
      main.kill('SIGINT');
      await Promise.race([exit, new Promise((resolve) => setTimeout(resolve, 30_000))]);
      main.kill('SIGKILL');
    }
    for (const child of children) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }
    rmSync(userDir, { recursive: true, force: true });
  });

  it('brings up Flink with the example jobs RUNNING and Node-RED with this package and the example flows', async function () {
    const [, flinkUrl] = await waitForOutput(/Flink web UI:\s+(http\S+?)\/?\s/, 150_000);
    const [, editorUrl] = await waitForOutput(/Node-RED editor:\s+(http\S+)/, 1000);
    assert.equal(editorUrl, `http://127.0.0.1:${port}/`);
    children = childrenOf(main.pid!);

    const { jobs } = await getJson<{ jobs: { name: string; state: string }[] }>(`${flinkUrl}/jobs/overview`);
    for (const name of ['orders-enrichment', 'clickstream-sessions']) {
      assert.equal(jobs.find((job) => job.name === name)?.state, 'RUNNING', `${name} in ${JSON.stringify(jobs)}`);
    }

    const flows = await getJson<FlowNode[]>(`${editorUrl}flows`);
    const clusters = flows.filter((node) => node.type === 'flink-cluster');
    const exampleClusters = readExampleFlows(path.join(projectRoot, 'examples'))
      .flatMap((example) => example.nodes).filter((node) => node.type === 'flink-cluster');
    assert.equal(clusters.length, exampleClusters.length, 'every example cluster node is in the flows');
    for (const cluster of clusters) assert.equal(cluster.url, flinkUrl);

    const pkg = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { name: string; 'node-red': { nodes: object } };
    const nodeSets = await getJson<{ module: string; name: string }[]>(`${editorUrl}nodes`, { accept: 'application/json' });
    assert.deepEqual(nodeSets.filter((set) => set.module === pkg.name).map((set) => set.name).sort(),
      Object.keys(pkg['node-red'].nodes).sort(), 'Node-RED loaded the node sets package.json lists');
  });

  it('stops Node-RED and both Flink JVMs on SIGINT and leaves nothing behind', async function () {
    const savepointDir = /Savepoints land in (\S+)/.exec(output)?.[1];
    assert.ok(savepointDir && existsSync(savepointDir), 'the local Flink has its temp dir');
    const jvms = children.filter((child) => /StandaloneSessionClusterEntrypoint|TaskManagerRunner/.test(child.cmdline));
    assert.equal(jvms.length, 2, `JobManager and TaskManager among ${JSON.stringify(children)}`);
    assert.equal(children.length, 3, 'the two JVMs and Node-RED');
    assert.ok(children.every((child) => isAlive(child.pid)));

    main.kill('SIGINT');
    const code = await Promise.race([exit, new Promise((resolve) => setTimeout(() => resolve('still running after 40 s'), 40_000))]);
    assert.equal(code, 0, output.slice(-2000));
    assert.deepEqual(children.filter((child) => isAlive(child.pid)), [], 'a process outlived npm start');
    assert.equal(existsSync(savepointDir), false, 'Flink temp dir removed');
    await assert.rejects(fetch(`http://127.0.0.1:${port}/settings`), 'Node-RED no longer answers');
  });

  it('fails at once with a clear message when the editor port is taken', async function () {
    const holder = spawn(process.execPath, ['-e', `require('net').createServer().listen(${port}, '127.0.0.1', () => console.log('listening'))`]);
    try {
      await new Promise((resolve) => holder.stdout.once('data', resolve));
      const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), NODE_RED_USER_DIR: userDir, FLINK_URL: 'http://127.0.0.1:9' };
      const second = spawn(process.execPath, [path.join(projectRoot, 'dist', 'test', 'flink', 'main.js')], { cwd: projectRoot, env });
      let text = '';
      second.stderr.on('data', (chunk: Buffer) => { text += chunk.toString(); });
      const code = await new Promise((resolve) => second.once('exit', resolve));
      assert.equal(code, 1);
      assert.match(text, new RegExp(`port ${port} is already in use`));
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
