import { ensureFlinkInstalled, resolveFlinkVersion } from '../../dev/flink/distribution';
import { ADAPTIVE_SCHEDULER_CONFIG } from '../../dev/flink/adaptive';
import { startLocalCluster, type LocalFlinkCluster } from '../../dev/flink/cluster';
import { buildFixtureJar, uploadJar } from '../../dev/flink/job';
import { sqlGatewayInfo, startSqlGateway } from '../../dev/flink/sql-gateway';
import { askBroker, brokerRunning } from './cluster-broker';

/** Which configuration a cluster has: the harness's own, or Flink's adaptive scheduler (rescales in place). */
export type ClusterKind = 'default' | 'adaptive';

export interface ClusterRequest {
  kind: ClusterKind;
  /** A full version (resolved). */
  version: string;
  /** A cluster of its own for one suite that disturbs it (pauses its JobManager, say), still started once per run. */
  dedicatedTo?: string;
}

/** What a test process needs to know of a local cluster that another process may have started. */
export type LocalClusterView = Pick<LocalFlinkCluster, 'url' | 'version' | 'savepointDir' | 'checkpointDir' | 'pids'>;

export interface SharedCluster {
  url: string;
  version: string;
  /** Set for a local cluster: its folders on this disk and its JVMs' process ids. */
  local?: LocalClusterView;
  /** The fixture jar on this machine, and its id on this cluster. */
  jarPath: string;
  jarId: string;
}

/**
 * Slots for a job rescaled up to 4 (the time-of-day example), or two jobs at 2; Flink 2.3's rescale history
 * (FLIP-495, off by default: size 0; 1.20 ignores the key), so flink-rescale's output carries the rescale's entry;
 * metrics the REST API serves at most 2 s old instead of 10 s (a plain number of ms, which 1.20 reads too), so the
 * autoscale test sees a load change sooner.
 */
const ADAPTIVE_CONFIG = {
  ...ADAPTIVE_SCHEDULER_CONFIG,
  'taskmanager.numberOfTaskSlots': 4,
  'web.adaptive-scheduler.rescale-history.size': 20,
  'metrics.fetcher.update-interval': 2000,
};

/**
 * The shared cluster's room: test files run side by side, each with a few jobs at a time (the health tests run
 * four), with 32 MB of managed memory per slot as npm start's cluster has (RocksDB's flushes, and so incremental
 * checkpoints, stay the same).
 */
const SHARED_CONFIG = {
  'taskmanager.numberOfTaskSlots': 16,
  'taskmanager.memory.managed.size': '512m',
};

interface Started { cluster: SharedCluster; stop(): Promise<void> }

const startedHere = new Map<string, Promise<Started>>();
const externalVersions = new Set<string>();

const log = (line: string): void => { if (process.env.FLINK_HARNESS_QUIET !== '1') console.log(`      [flink] ${line}`); };
const keyOf = (request: ClusterRequest): string => [request.kind, request.version, request.dedicatedTo ?? ''].join('/');

/** The run's default cluster may be an existing one at FLINK_URL; every other cluster is started here. */
async function bringUp(request: ClusterRequest): Promise<Started> {
  const dist = await ensureFlinkInstalled(request.version, log);
  const jarPath = await buildFixtureJar(dist);
  const external = request.kind === 'default' && !request.dedicatedTo && request.version === await resolveFlinkVersion()
    ? process.env.FLINK_URL?.replace(/\/+$/, '') : undefined;
  if (external) {
    externalVersions.add(await externalVersion(external));
    const cluster = { url: external, version: request.version, jarPath, jarId: await uploadJar(external, jarPath) };
    return { cluster, stop: async () => undefined };
  }
  const started = Date.now();
  const local = await startLocalCluster(dist, { config: request.kind === 'adaptive' ? ADAPTIVE_CONFIG : SHARED_CONFIG });
  log(`Flink ${dist.version}${request.kind === 'adaptive' ? ' (adaptive scheduler)' : ''}${request.dedicatedTo ? ` for ${request.dedicatedTo}` : ''} up at ${local.url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  try {
    const view: LocalClusterView = {
      url: local.url, version: local.version, savepointDir: local.savepointDir, checkpointDir: local.checkpointDir, pids: local.pids,
    };
    return { cluster: { url: local.url, version: local.version, local: view, jarPath, jarId: await uploadJar(local.url, jarPath) }, stop: () => local.stop() };
  } catch (err) {
    await local.stop();
    throw err;
  }
}

async function externalVersion(url: string): Promise<string> {
  const response = await fetch(`${url}/config`, { signal: AbortSignal.timeout(10_000) });
  const config = await response.json() as { 'flink-version'?: string };
  return config['flink-version'] ?? 'unknown';
}

/** Starts the cluster in this process on first request (the broker's side, or a run without one). */
export function clusterStartedHere(request: ClusterRequest): Promise<SharedCluster> {
  const key = keyOf(request);
  let started = startedHere.get(key);
  if (!started) {
    started = bringUp(request);
    startedHere.set(key, started);
  }
  return started.then(({ cluster }) => cluster);
}

/**
 * The cluster a request names, started once per run: by the run's broker when there is one (mocha's parallel
 * workers share its clusters), else in this process.
 */
export function sharedCluster(request: ClusterRequest): Promise<SharedCluster> {
  return brokerRunning() ? askBroker<SharedCluster>('/cluster', request) : clusterStartedHere(request);
}

/** Stops every SQL gateway and then every cluster this process started; safe to call twice. */
export async function stopClustersStartedHere(): Promise<void> {
  const gateways = [...gatewaysStartedHere.values()];
  gatewaysStartedHere.clear();
  await Promise.all(gateways.map(async (started) => (await started.catch(() => undefined))?.stop()));
  const pending = [...startedHere.values()];
  startedHere.clear();
  await Promise.all(pending.map(async (started) => (await started.catch(() => undefined))?.stop()));
}

/** The external cluster's versions this process talked to (FLINK_URL). */
export function externalFlinkVersions(): string[] {
  return [...externalVersions].map((v) => `${v} (FLINK_URL)`);
}

export interface SqlGatewayRequest {
  /** The full version of the default cluster the gateway submits to. */
  version: string;
}

/** Flink's SQL Gateway next to a shared default cluster, as a test process sees it. */
export interface SharedSqlGateway {
  url: string;
  /** The Flink version the gateway reports. */
  version: string;
  /** What `GET /api_versions` lists (`V1` ... `V4`). */
  apiVersions: string[];
  /** The flink-sql-gateway jar's release; unknown for the gateway at FLINK_SQL_GATEWAY_URL. */
  jarVersion?: string;
}

interface StartedGateway { gateway: SharedSqlGateway | null; stop(): Promise<void> }

const gatewaysStartedHere = new Map<string, Promise<StartedGateway>>();
const externalGateways = new Set<string>();

/**
 * The gateway of the run's default cluster: with a local cluster one started here; with the cluster at FLINK_URL the
 * one at FLINK_SQL_GATEWAY_URL, or none (null) when that is not set.
 */
async function bringUpGateway(request: SqlGatewayRequest): Promise<StartedGateway> {
  const cluster = await clusterStartedHere({ kind: 'default', version: request.version });
  if (!cluster.local) {
    const url = process.env.FLINK_SQL_GATEWAY_URL?.replace(/\/+$/, '');
    if (!url) return { gateway: null, stop: async () => undefined };
    const info = await sqlGatewayInfo(url);
    externalGateways.add(`${info.version} (FLINK_SQL_GATEWAY_URL)`);
    return { gateway: { url, ...info }, stop: async () => undefined };
  }
  const dist = await ensureFlinkInstalled(request.version, log);
  const started = Date.now();
  const local = await startSqlGateway(dist, { clusterUrl: cluster.url, savepointDir: cluster.local.savepointDir, log });
  log(`SQL gateway of Flink ${local.version} (flink-sql-gateway ${local.jarVersion}) up at ${local.url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  try {
    const { apiVersions } = await sqlGatewayInfo(local.url);
    return { gateway: { url: local.url, version: local.version, apiVersions, jarVersion: local.jarVersion }, stop: () => local.stop() };
  } catch (err) {
    await local.stop();
    throw err;
  }
}

/** Starts the gateway (and its cluster) in this process on first request (the broker's side, or a run without one). */
export function sqlGatewayStartedHere(request: SqlGatewayRequest): Promise<SharedSqlGateway | null> {
  let started = gatewaysStartedHere.get(request.version);
  if (!started) {
    started = bringUpGateway(request);
    gatewaysStartedHere.set(request.version, started);
  }
  return started.then(({ gateway }) => gateway);
}

/** The default cluster's SQL gateway, started once per run (by the run's broker when there is one); null: none. */
export function sharedSqlGateway(request: SqlGatewayRequest): Promise<SharedSqlGateway | null> {
  return brokerRunning() ? askBroker<SharedSqlGateway | null>('/sql-gateway', request) : sqlGatewayStartedHere(request);
}

/** The external gateway's versions this process talked to (FLINK_SQL_GATEWAY_URL). */
export function externalSqlGateways(): string[] {
  return [...externalGateways];
}
