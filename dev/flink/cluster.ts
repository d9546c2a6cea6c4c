import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FlinkDistribution } from './distribution';
import { isRunning, killJvm, lastLogLines, ownJvms, startJvm, type Jvm } from './jvm';

export interface LocalFlinkCluster {
  url: string;
  version: string;
  /** Folders shared by JobManager and TaskManager (one machine), as plain paths. */
  savepointDir: string;
  checkpointDir: string;
  /** Process ids of the current JobManager and TaskManager JVMs (each leads its own process group). */
  readonly pids: number[];
  /** Kills both JVM process groups and removes the temp dir; safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILLs the JobManager's process group (a crash) and resolves once it is gone. */
  killJobManager(): Promise<void>;
  /**
   * Starts a new JobManager JVM with the same configuration and ports; resolves once its REST answers and
   * the TaskManager has registered with it and has a free slot, or, with HA, the jobs that ran are RUNNING again.
   * Without HA the TaskManager notices the new JobManager only after `heartbeat.timeout` (50 s by default).
   */
  startJobManager(): Promise<void>;
}

/** Flink's ZooKeeper high availability: a new JobManager recovers the jobs from ZooKeeper and `storageDir`. */
export interface HaOptions {
  /** `host:port[,host:port]` of the ZooKeeper servers. */
  zookeeperQuorum: string;
  /** A `file://` URL: job graphs, jars and checkpoint metadata that a new leader reads back. */
  storageDir: string;
  clusterId: string;
}

export interface ClusterOptions {
  /** Flink configuration entries added to (or overriding) the harness's own. */
  config?: Record<string, string | number | boolean>;
  ha?: HaOptions;
}

interface ClusterDirs { conf: string; log: string; tmp: string; checkpoints: string; savepoints: string }

/** Flink's `env.java.opts.all` default: what Flink needs opened up on Java 17. */
export const JAVA17_MODULE_OPTS = [
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

/** Room for the health tests' four fixture jobs side by side next to a job another suite keeps running. */
const TASK_SLOTS = 6;
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

function flinkConfig(dist: FlinkDistribution, dirs: ClusterDirs,
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
    'taskmanager.memory.managed.size': '192m', // 32 MB per slot, as 4 slots had from 128 MB: RocksDB flushes, and so incremental checkpoints, stay the same
    'taskmanager.memory.jvm-metaspace.size': '256m',
    'taskmanager.memory.jvm-overhead.min': '192m',
    'taskmanager.memory.jvm-overhead.max': '192m',
  };
}

function haConfig(ha: HaOptions): Record<string, string | number> {
  return {
    'high-availability.type': 'zookeeper',
    'high-availability.zookeeper.quorum': ha.zookeeperQuorum,
    'high-availability.storageDir': ha.storageDir,
    'high-availability.cluster-id': ha.clusterId,
    // A killed leader's ZooKeeper session (and with it its leadership) lasts this long; the default is 60 s.
    'high-availability.zookeeper.client.session-timeout': 6000,
    'high-availability.zookeeper.client.connection-timeout': 6000,
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

/** Writes `config.yaml` and a `log4j2.properties` that logs to the file the JVM's `log.file` property names. */
export function writeFlinkConf(confDir: string, config: Record<string, string | number | boolean>): void {
  // Flat keys are valid YAML, so one file serves config.yaml (1.19+) and the legacy flink-conf.yaml reader alike.
  const yaml = Object.entries(config).map(([key, value]) => `${key}: ${value}`).join('\n') + '\n';
  writeFileSync(path.join(confDir, 'config.yaml'), yaml);
  writeFileSync(path.join(confDir, 'log4j2.properties'), LOG4J);
}

function startFlinkJvm(role: 'jobmanager' | 'taskmanager', dist: FlinkDistribution, dirs: ClusterDirs): Jvm {
  const { mainClass, heap } = ROLES[role];
  return startJvm({
    name: role, mainClass, classpath: dist.classpath, logDir: dirs.log,
    jvmOptions: [
      ...JAVA17_MODULE_OPTS, ...heap,
      `-Dlog.file=${path.join(dirs.log, `${role}.log`)}`,
      `-Dlog4j.configurationFile=${pathToFileURL(path.join(dirs.conf, 'log4j2.properties')).href}`,
    ],
    args: ['--configDir', dirs.conf],
    env: { FLINK_CONF_DIR: dirs.conf, FLINK_PLUGINS_DIR: dist.pluginsDir, FLINK_LIB_DIR: dist.libDir },
  });
}

const ROLES = {
  jobmanager: { mainClass: 'org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint', heap: ['-Xms512m', '-Xmx512m'] },
  taskmanager: {
    mainClass: 'org.apache.flink.runtime.taskexecutor.TaskManagerRunner',
    heap: ['-Xms384m', '-Xmx384m', '-XX:MaxDirectMemorySize=192m', '-XX:MaxMetaspaceSize=256m'],
  },
} as const;

interface Overview { taskmanagers?: number; 'slots-available'?: number; 'jobs-running'?: number }

/**
 * Waits until the JobManager's REST answers and `ready` holds for its overview, failing early (with the
 * JVMs' last log lines) when one of them exits.
 */
async function waitUntil(url: string, jvms: Jvm[], what: string, ready: (overview: Overview) => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    const dead = jvms.find((jvm) => !isRunning(jvm));
    if (dead) throw new Error(`Flink's ${dead.name} exited (${dead.child.exitCode ?? dead.child.signalCode}) during start-up\n${lastLogLines(jvms)}`);
    try {
      const response = await fetch(`${url}/overview`, { signal: AbortSignal.timeout(2000) });
      const overview = await response.json() as Overview;
      if (await ready(overview)) return;
      lastProblem = `overview says ${JSON.stringify(overview)}`;
    } catch (err) {
      lastProblem = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`Flink did not ${what} within ${STARTUP_TIMEOUT_MS / 1000} s (${lastProblem})\n${lastLogLines(jvms)}`);
}

const hasFreeSlot = (overview: Overview): boolean => (overview.taskmanagers ?? 0) >= 1 && (overview['slots-available'] ?? 0) > 0;

/** Ids of the jobs Flink lists as RUNNING (empty when it does not answer). */
async function runningJobs(url: string): Promise<string[]> {
  try {
    const response = await fetch(`${url}/jobs`, { signal: AbortSignal.timeout(2000) });
    const { jobs } = await response.json() as { jobs?: { id: string; status: string }[] };
    return (jobs ?? []).filter((job) => job.status === 'RUNNING').map((job) => job.id);
  } catch {
    return [];
  }
}

/** Every Flink version a cluster was started for in this process, in start order: what the run really covered. */
export const startedFlinkVersions = new Set<string>();

/**
 * Starts a JobManager and one TaskManager on 127.0.0.1 and waits until a slot is free. With `ha`, the
 * JobManager elects itself leader through ZooKeeper and a new one recovers the jobs of a killed one.
 */
export async function startLocalCluster(dist: FlinkDistribution, options: ClusterOptions = {}): Promise<LocalFlinkCluster> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), `flink-${dist.version}-`));
  const dirs: ClusterDirs = {
    conf: path.join(workDir, 'conf'), log: path.join(workDir, 'log'), tmp: path.join(workDir, 'tmp'),
    checkpoints: path.join(workDir, 'checkpoints'), savepoints: path.join(workDir, 'savepoints'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  const ports = { rest: await freePort(), rpc: await freePort() };
  writeFlinkConf(dirs.conf, { ...flinkConfig(dist, dirs, ports), ...(options.ha ? haConfig(options.ha) : {}), ...options.config });

  let jobManager = startFlinkJvm('jobmanager', dist, dirs);
  const taskManager = startFlinkJvm('taskmanager', dist, dirs);
  const jvms = (): Jvm[] => [jobManager, taskManager];
  const { stop } = ownJvms(jvms, workDir);

  const url = `http://127.0.0.1:${ports.rest}`;
  try {
    await waitUntil(url, jvms(), 'come up', hasFreeSlot);
  } catch (err) {
    await stop();
    throw err;
  }
  startedFlinkVersions.add(dist.version);

  let jobsToRecover: string[] = [];
  return {
    url, version: dist.version, savepointDir: dirs.savepoints, checkpointDir: dirs.checkpoints, stop,
    get pids() { return jvms().map((jvm) => jvm.child.pid).filter((pid): pid is number => pid !== undefined); },
    async killJobManager() {
      jobsToRecover = options.ha ? await runningJobs(url) : [];
      await killJvm(jobManager);
    },
    async startJobManager() {
      if (isRunning(jobManager)) throw new Error('the JobManager is still running: killJobManager() first');
      jobManager = startFlinkJvm('jobmanager', dist, dirs);
      await waitUntil(url, jvms(), 'start a new JobManager', async (overview) => {
        if ((overview.taskmanagers ?? 0) < 1) return false;
        if (jobsToRecover.length === 0) return hasFreeSlot(overview);
        const running = await runningJobs(url);
        return jobsToRecover.every((id) => running.includes(id));
      });
    },
  };
}
