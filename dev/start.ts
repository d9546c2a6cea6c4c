/**
 * `npm start`: a local real Flink with Flink's adaptive scheduler, its SQL Gateway and two long-running example jobs
 * (unless FLINK_URL names a cluster), and Node-RED with this plugin, Dashboard 2.0 with the companion's widget
 * (dashboard/) and the example flows, the companion's Ops dashboard among them. Ctrl-C stops both.
 *
 * Environment: FLINK_URL, FLINK_SQL_GATEWAY_URL (with FLINK_URL: its SQL gateway, if any), FLINK_VERSION, PORT
 * (editor, default 1880), NODE_RED_USER_DIR (default .cache/node-red-dev), FLINK_JOB_JAR (the jar the rescale example
 * deploys; default with the local Flink: the example jobs' jar).
 */
import path from 'node:path';
import { ADAPTIVE_SCHEDULER_CONFIG } from './flink/adaptive';
import { startLocalCluster, type LocalFlinkCluster } from './flink/cluster';
import { ensureFlinkInstalled, resolveFlinkVersion } from './flink/distribution';
import { sqlGatewayInfo, startSqlGateway, type LocalSqlGateway } from './flink/sql-gateway';
import { dashboardBanner } from './dashboard';
import { EXAMPLE_JOBS } from './example-flows';
import { buildFixtureJar, runFixtureJob, uploadJar } from './flink/job';
import { assertPortFree, prepareUserDir, startNodeRed, type RunningNodeRed } from './node-red';
import { projectRoot } from './paths';

const log = (line: string): void => console.log(`[npm start] ${line}`);
const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function editorPort(): number {
  const port = Number(process.env.PORT ?? 1880);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`PORT "${process.env.PORT}" is not a port number`);
  return port;
}

interface Flink {
  url: string;
  version: string;
  local?: LocalFlinkCluster;
  /** The example jobs' jar on this machine (with the local Flink only). */
  jobJar?: string;
  /** Its SQL gateway: the local one, or FLINK_SQL_GATEWAY_URL's with FLINK_URL; how the banner describes it. */
  sqlGateway?: { url: string; note: string };
}

/**
 * The local cluster's settings besides the harness's own: the adaptive scheduler, so that the rescale example
 * rescales in place, and slots for every example at once: the two example jobs, the rescale example's job at
 * parallelism 4, and two more (a job run again from a savepoint, a deploy of your own). 32 MB of managed memory per
 * slot, as the tests' cluster has.
 */
const LOCAL_CLUSTER_CONFIG = {
  ...ADAPTIVE_SCHEDULER_CONFIG,
  'taskmanager.numberOfTaskSlots': 8,
  'taskmanager.memory.managed.size': '256m',
};

/** The environment variable the rescale example's *deploy the job* reads its jar from. */
const JOB_JAR_ENV = 'FLINK_JOB_JAR';
/** Signals this close together are one key press (see the signal handler). */
const SAME_PRESS_MS = 1000;

async function existingFlink(url: string): Promise<Flink> {
  const response = await fetch(`${url}/config`, { signal: AbortSignal.timeout(10_000) }).catch((err: Error) => {
    throw new Error(`FLINK_URL ${url} does not answer: ${err.message}`);
  });
  if (!response.ok) throw new Error(`FLINK_URL ${url} answered GET /config with ${response.status}`);
  const config = await response.json() as { 'flink-version'?: string };
  const gatewayUrl = process.env.FLINK_SQL_GATEWAY_URL?.replace(/\/+$/, '');
  if (!gatewayUrl) {
    log('FLINK_SQL_GATEWAY_URL is not set: the example flows get no SQL gateway (their flink-cluster nodes\' SQL Gateway URL stays empty)');
    return { url, version: config['flink-version'] ?? 'unknown' };
  }
  const gateway = await sqlGatewayInfo(gatewayUrl).catch((err: Error) => {
    throw new Error(`FLINK_SQL_GATEWAY_URL ${gatewayUrl} does not answer: ${err.message}`);
  });
  return { url, version: config['flink-version'] ?? 'unknown', sqlGateway: { url: gatewayUrl, note: `Flink ${gateway.version}, FLINK_SQL_GATEWAY_URL` } };
}

async function localFlinkWithJobs(onStarted: (cluster: LocalFlinkCluster) => void,
  onGatewayStarted: (gateway: LocalSqlGateway) => void): Promise<Flink> {
  let since = Date.now();
  const dist = await ensureFlinkInstalled(await resolveFlinkVersion(), log);
  log(`Flink ${dist.version} ready in ${path.relative(projectRoot, dist.home)} (${seconds(since)})`);
  since = Date.now();
  const local = await startLocalCluster(dist, { config: LOCAL_CLUSTER_CONFIG });
  onStarted(local);
  log(`Flink JobManager and TaskManager up (pids ${local.pids.join(', ')}; adaptive scheduler, `
    + `${LOCAL_CLUSTER_CONFIG['taskmanager.numberOfTaskSlots']} slots) in ${seconds(since)}`);
  since = Date.now();
  const gateway = await startSqlGateway(dist, { clusterUrl: local.url, savepointDir: local.savepointDir, log });
  onGatewayStarted(gateway);
  log(`Flink SQL gateway up (pid ${gateway.pid}; flink-sql-gateway ${gateway.jarVersion}) in ${seconds(since)}`);
  since = Date.now();
  const jobJar = await buildFixtureJar(dist);
  const jarId = await uploadJar(local.url, jobJar);
  for (const name of EXAMPLE_JOBS) {
    const jobId = await runFixtureJob(local.url, jarId, { name });
    log(`example job ${name} RUNNING as ${jobId}`);
  }
  log(`example jobs started in ${seconds(since)}`);
  return {
    url: local.url, version: dist.version, local, jobJar,
    sqlGateway: { url: gateway.url, note: `flink-sql-gateway ${gateway.jarVersion}` },
  };
}

async function main(): Promise<void> {
  let cluster: LocalFlinkCluster | undefined;
  let gateway: LocalSqlGateway | undefined;
  let nodeRed: RunningNodeRed | undefined;
  let stoppingSince: number | undefined;
  const stopAll = async (exitCode: number): Promise<never> => {
    stoppingSince ??= Date.now();
    await nodeRed?.stop();
    if (cluster) log('stopping Flink ...');
    await gateway?.stop();
    await cluster?.stop(); // a cluster or gateway still starting is killed by the harness's exit hook
    log('stopped');
    process.exit(exitCode);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // A terminal's Ctrl-C reaches this process twice under npm (the terminal's, then npm's forward): one press.
      if (stoppingSince !== undefined && Date.now() - stoppingSince < SAME_PRESS_MS) return;
      if (stoppingSince !== undefined) {
        log(`${signal} again: killing everything now`);
        process.exit(1); // exit hooks kill Node-RED and the JVMs
      }
      log(`${signal}: stopping Node-RED and Flink (again to force) ...`);
      void stopAll(0);
    });
  }

  try {
    const port = editorPort();
    await assertPortFree(port);
    const userDir = path.resolve(process.env.NODE_RED_USER_DIR || path.join(projectRoot, '.cache', 'node-red-dev'));
    const flinkUrl = process.env.FLINK_URL?.replace(/\/+$/, '');
    const flink = flinkUrl ? await existingFlink(flinkUrl) : await localFlinkWithJobs((c) => { cluster = c; }, (g) => { gateway = g; });
    const { settingsFile, flowsNote } = prepareUserDir(userDir, { flinkUrl: flink.url, sqlGatewayUrl: flink.sqlGateway?.url });
    log(`Node-RED user dir ${userDir}: flows ${flowsNote}`);
    const jobJar = process.env[JOB_JAR_ENV] || flink.jobJar;
    if (process.env[JOB_JAR_ENV]) log(`${JOB_JAR_ENV} ${jobJar} (from your environment)`);
    else if (jobJar) log(`${JOB_JAR_ENV} ${path.relative(projectRoot, jobJar)} (the example jobs' jar)`);
    else log(`${JOB_JAR_ENV} is not set: the rescale example's "deploy the job" needs it`);
    const since = Date.now();
    nodeRed = await startNodeRed({ userDir, settingsFile, port, flinkUrl: flink.url, env: jobJar ? { [JOB_JAR_ENV]: jobJar } : {} });
    log(`Node-RED up (pid ${nodeRed.pid}) in ${seconds(since)}`);
    const dashboard = await dashboardBanner(nodeRed.editorUrl);
    console.log([
      '',
      `  Node-RED editor:  ${nodeRed.editorUrl}`,
      ...dashboard,
      `  Flink web UI:     ${flink.url}/  (Flink ${flink.version}${flink.local ? '' : ', FLINK_URL: no example jobs started'})`,
      `  SQL gateway:      ${flink.sqlGateway ? `${flink.sqlGateway.url}  (${flink.sqlGateway.note})` : 'none (FLINK_URL without FLINK_SQL_GATEWAY_URL)'}`,
      ...(flink.local ? [`  Savepoints land in ${flink.local.savepointDir}`] : []),
      '  Ctrl-C stops both.',
      '',
    ].join('\n'));
    const code = await nodeRed.exited;
    if (stoppingSince === undefined) {
      log(`Node-RED exited on its own (${code}); stopping Flink`);
      await stopAll(1);
    }
  } catch (err) {
    if (stoppingSince !== undefined) return;
    console.error(`[npm start] ${(err as Error).message}`);
    await stopAll(1);
  }
}

void main();
