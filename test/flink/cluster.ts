import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FlinkDistribution } from './distribution';

export interface LocalFlinkCluster {
  url: string;
  version: string;
  /** Folders shared by JobManager and TaskManager (one machine), as plain paths. */
  savepointDir: string;
  checkpointDir: string;
  /** Process ids of the JobManager and TaskManager JVMs (each leads its own process group). */
  pids: number[];
  /** Kills both JVM process groups and removes the temp dir; safe to call twice. */
  stop(): Promise<void>;
}

/** Flink's `env.java.opts.all` default: what Flink needs opened up on Java 17. */
const JAVA17_MODULE_OPTS = [
  '--add-exports=java.base/sun.net.util=ALL-UNNAMED',
  '--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED',
  '--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED',
  ...['java.lang', 'java.net', 'java.io', 'java.nio', 'sun.nio.ch', 'java.lang.reflect', 'java.text', 'java.time',
    'java.util', 'java.util.concurrent', 'java.util.concurrent.atomic', 'java.util.concurrent.locks']
    .map((pkg) => `--add-opens=java.base/${pkg}=ALL-UNNAMED`),
];

const TASK_SLOTS = 4;
const STARTUP_TIMEOUT_MS = 120_000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function flinkConfig(dist: FlinkDistribution, dirs: { checkpoints: string; savepoints: string; tmp: string },
  ports: { rest: number; rpc: number }): Record<string, string | number | boolean> {
  const checkpoints = pathToFileURL(dirs.checkpoints).href;
  const savepoints = pathToFileURL(dirs.savepoints).href;
  const legacyStateKeys: Record<string, string> = dist.version.startsWith('1.')
    ? { 'state.checkpoints.dir': checkpoints, 'state.savepoints.dir': savepoints } : {};
  return {
    'jobmanager.rpc.address': '127.0.0.1',
    'jobmanager.rpc.port': ports.rpc,
    'jobmanager.bind-host': '127.0.0.1',
    'rest.address': '127.0.0.1',
    'rest.bind-address': '127.0.0.1',
    'rest.port': ports.rest,
    'web.submit.enable': true,
    'web.cancel.enable': true,
    'taskmanager.host': '127.0.0.1',
    'taskmanager.bind-host': '127.0.0.1',
    // The TaskManager's RPC and data ports default to random ones, which is what a shared machine needs.
    'taskmanager.numberOfTaskSlots': TASK_SLOTS,
    'parallelism.default': 1,
    // Tasks report accumulators with heartbeats; a short interval lets tests see them soon.
    'heartbeat.interval': 2000,
    'execution.checkpointing.dir': checkpoints,
    'execution.checkpointing.savepoint-dir': savepoints,
    ...legacyStateKeys,
    'io.tmp.dirs': dirs.tmp,
    'web.tmpdir': dirs.tmp,
    'jobmanager.memory.process.size': '1024m',
    // Without Flink's shell scripts the TaskManager needs every memory pool spelled out.
    'taskmanager.cpu.cores': 2,
    'taskmanager.memory.framework.heap.size': '128m',
    'taskmanager.memory.task.heap.size': '256m',
    'taskmanager.memory.framework.off-heap.size': '128m',
    'taskmanager.memory.task.off-heap.size': '0m',
    'taskmanager.memory.network.min': '64m',
    'taskmanager.memory.network.max': '64m',
    'taskmanager.memory.managed.size': '128m',
    'taskmanager.memory.jvm-metaspace.size': '256m',
    'taskmanager.memory.jvm-overhead.min': '192m',
    'taskmanager.memory.jvm-overhead.max': '192m',
  };
}

const LOG4J = `rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = File
appender.main.fileName = \${sys:log.file}
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n
logger.netty.name = org.apache.flink.shaded.netty4
logger.netty.level = WARN
`;

interface Jvm { name: string; child: ChildProcess; logFile: string }

function startJvm(name: string, mainClass: string, heapOpts: string[], dist: FlinkDistribution,
  confDir: string, logDir: string): Jvm {
  const logFile = path.join(logDir, `${name}.log`);
  const stdio = openSync(path.join(logDir, `${name}.out`), 'a');
  const child = spawn('java', [
    ...JAVA17_MODULE_OPTS, ...heapOpts,
    `-Dlog.file=${logFile}`,
    `-Dlog4j.configurationFile=${pathToFileURL(path.join(confDir, 'log4j2.properties')).href}`,
    '-cp', dist.classpath.join(path.delimiter),
    mainClass, '--configDir', confDir,
  ], {
    detached: true, // its own process group, so teardown reaches every thread and child of the JVM
    stdio: ['ignore', stdio, stdio],
    env: { ...process.env, FLINK_CONF_DIR: confDir, FLINK_PLUGINS_DIR: dist.pluginsDir, FLINK_LIB_DIR: dist.libDir },
  });
  closeSync(stdio);
  return { name, child, logFile };
}

function killGroup(jvm: Jvm, signal: NodeJS.Signals): void {
  if (jvm.child.pid === undefined || jvm.child.exitCode !== null || jvm.child.signalCode !== null) return;
  try { process.kill(-jvm.child.pid, signal); } catch { /* already gone */ }
}

function lastLogLines(jvms: Jvm[], count = 15): string {
  return jvms.map((jvm) => {
    let text = '';
    for (const file of [jvm.logFile, jvm.logFile.replace(/\.log$/, '.out')]) {
      try { text += readFileSync(file, 'utf8'); } catch { /* not written yet */ }
    }
    return `--- ${jvm.name} ---\n${text.trimEnd().split('\n').slice(-count).join('\n')}`;
  }).join('\n');
}

const liveClusters = new Set<() => void>();
let exitHookInstalled = false;

/**
 * A last line of defence: whatever happens to this process, no JVM (nor its temp dir) outlives it.
 * A program with a handler of its own for a signal (`npm start`'s main) stops its clusters in order
 * itself; then this hook leaves the signal to it, and the exit hook still kills what is left.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => { for (const kill of liveClusters) kill(); });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (process.listenerCount(signal) > 1) return;
      for (const kill of liveClusters) kill();
      process.exit(128 + os.constants.signals[signal]);
    });
  }
}

async function waitUntilReady(url: string, jvms: Jvm[]): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    const dead = jvms.find((jvm) => jvm.child.exitCode !== null || jvm.child.signalCode !== null);
    if (dead) throw new Error(`Flink's ${dead.name} exited (${dead.child.exitCode ?? dead.child.signalCode}) during start-up\n${lastLogLines(jvms)}`);
    try {
      const response = await fetch(`${url}/overview`, { signal: AbortSignal.timeout(2000) });
      const overview = await response.json() as { taskmanagers?: number; 'slots-available'?: number };
      if ((overview.taskmanagers ?? 0) >= 1 && (overview['slots-available'] ?? 0) > 0) return;
      lastProblem = `overview says ${JSON.stringify(overview)}`;
    } catch (err) {
      lastProblem = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`Flink did not come up within ${STARTUP_TIMEOUT_MS / 1000} s (${lastProblem})\n${lastLogLines(jvms)}`);
}

/** Starts a JobManager and one TaskManager on 127.0.0.1 and waits until a slot is free. */
export async function startLocalCluster(dist: FlinkDistribution): Promise<LocalFlinkCluster> {
  installExitHook();
  const workDir = mkdtempSync(path.join(os.tmpdir(), `flink-${dist.version}-`));
  const dirs = {
    conf: path.join(workDir, 'conf'), log: path.join(workDir, 'log'), tmp: path.join(workDir, 'tmp'),
    checkpoints: path.join(workDir, 'checkpoints'), savepoints: path.join(workDir, 'savepoints'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  const ports = { rest: await freePort(), rpc: await freePort() };
  const config = flinkConfig(dist, dirs, ports);
  // Flat keys are valid YAML, so one file serves config.yaml (1.19+) and the legacy flink-conf.yaml reader alike.
  const yaml = Object.entries(config).map(([key, value]) => `${key}: ${value}`).join('\n') + '\n';
  writeFileSync(path.join(dirs.conf, 'config.yaml'), yaml);
  writeFileSync(path.join(dirs.conf, 'log4j2.properties'), LOG4J);

  const jvms = [
    startJvm('jobmanager', 'org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint',
      ['-Xms512m', '-Xmx512m'], dist, dirs.conf, dirs.log),
    startJvm('taskmanager', 'org.apache.flink.runtime.taskexecutor.TaskManagerRunner',
      ['-Xms384m', '-Xmx384m', '-XX:MaxDirectMemorySize=192m', '-XX:MaxMetaspaceSize=256m'], dist, dirs.conf, dirs.log),
  ];
  const killAll = (): void => {
    jvms.forEach((jvm) => killGroup(jvm, 'SIGKILL'));
    rmSync(workDir, { recursive: true, force: true, maxRetries: 5 });
  };
  liveClusters.add(killAll);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await Promise.all(jvms.map((jvm) => new Promise<void>((resolve) => {
        if (jvm.child.exitCode !== null || jvm.child.signalCode !== null) return resolve();
        const force = setTimeout(() => killGroup(jvm, 'SIGKILL'), 5000);
        jvm.child.once('exit', () => { clearTimeout(force); resolve(); });
        killGroup(jvm, 'SIGTERM');
      })));
      liveClusters.delete(killAll);
      rmSync(workDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const url = `http://127.0.0.1:${ports.rest}`;
  try {
    await waitUntilReady(url, jvms);
  } catch (err) {
    await stop();
    throw err;
  }
  const pids = jvms.map((jvm) => jvm.child.pid).filter((pid): pid is number => pid !== undefined);
  return { url, version: dist.version, savepointDir: dirs.savepoints, checkpointDir: dirs.checkpoints, pids, stop };
}
