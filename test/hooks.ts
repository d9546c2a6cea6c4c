import path from 'node:path';
import { startedFlinkVersions } from '../dev/flink/cluster';
import { releaseLeases } from './flink/adaptive-cluster';
import { startBroker, Leases, type Broker } from './flink/cluster-broker';
import { clusterStartedHere, sqlGatewayStartedHere, stopClustersStartedHere, type ClusterRequest, type SqlGatewayRequest } from './flink/shared-clusters';
import { cancelJobsOnExternalClusters } from './flink/test-cluster';
import { sqlGatewaysCovered } from './flink/test-sql-gateway';
import { stopSharedPackedNodeRed } from './package/packed-node-red';
import { openJournal, record, removeJournal } from './run/journal';

let broker: Broker | undefined;

/**
 * Mocha's global setup, in the main process before any worker starts: the run's journal and the cluster broker,
 * which starts each shared Flink cluster (and SQL gateway) once, on the first worker's request, for every worker.
 */
export async function mochaGlobalSetup(): Promise<void> {
  openJournal();
  const leases = new Leases();
  broker = await startBroker(async (route, body) => {
    if (route === '/cluster') return clusterStartedHere(body as ClusterRequest);
    if (route === '/sql-gateway') return sqlGatewayStartedHere(body as SqlGatewayRequest);
    const { resource, holder } = body as { resource: string; holder: string };
    if (route === '/lease') return leases.acquire(resource, holder);
    if (route === '/release') return leases.releaseAll(holder);
    throw new Error(`no such broker route ${route}`);
  });
}

/** Mocha's global teardown: runs once after every test, also after failures. */
export async function mochaGlobalTeardown(): Promise<void> {
  await broker?.close();
  await stopClustersStartedHere();
  removeJournal();
}

let fileStarted = 0;

/**
 * Root hooks: in parallel mode they run around each test file, in its worker. What a file started for itself in a
 * worker is stopped after it; its time and the Flink versions (and SQL gateways) it started go to the run's journal.
 */
export const mochaHooks = {
  beforeAll(this: Mocha.Context): void {
    fileStarted = Date.now();
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    const root = this.test?.parent;
    const file = root?.suites[0]?.file ?? root?.tests[0]?.file;
    // In a serial run the root hooks wrap the whole run: the reporter times the files itself.
    if (file && process.env.MOCHA_WORKER_ID !== undefined) record({ kind: 'file-time', file: path.relative(process.cwd(), file), ms: Date.now() - fileStarted });
    for (const version of startedFlinkVersions) record({ kind: 'flink-version', version });
    for (const gateway of sqlGatewaysCovered()) record({ kind: 'sql-gateway', gateway });
    await Promise.all([stopSharedPackedNodeRed(), cancelJobsOnExternalClusters(), releaseLeases()]);
  },
};
