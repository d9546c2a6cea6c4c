import { resolveFlinkVersion } from '../../dev/flink/distribution';
import { runFixtureJob, type RunOptions } from '../../dev/flink/job';
import { askBroker, brokerRunning } from './cluster-broker';
import { sharedCluster, type LocalClusterView } from './shared-clusters';

/** The run's cluster with Flink's adaptive scheduler, the one that rescales a job in place. */
export interface AdaptiveTestFlink {
  url: string;
  version: string;
  local: LocalClusterView;
  /** The fixture jar on this machine, and its id on this cluster. */
  jarPath: string;
  jarId: string;
  /** Starts a fixture job (EndlessJob unless the options pick another) and waits until every vertex is RUNNING. */
  startJob(options: RunOptions): Promise<string>;
}

/**
 * The adaptive-scheduler cluster for `version` (default: the run's), started once per run and version on first
 * use, stopped by the global teardown. Local only: call `requireLocalRun` first.
 *
 * Its tests measure and fill its free slots, so one test file at a time has it: the first call of a file waits
 * until no other file holds it, and the file keeps it until it ends (test/hooks.ts releases it). The wait is added to
 * the calling test's or hook's (`context`) time limit: it is another file's time.
 */
export async function adaptiveTestFlink(context: Mocha.Context, version?: string): Promise<AdaptiveTestFlink> {
  const wanted = await resolveFlinkVersion(version);
  if (brokerRunning()) {
    const since = Date.now();
    await askBroker('/lease', { resource: `adaptive/${wanted}`, holder: String(process.pid) });
    context.timeout(context.timeout() + Date.now() - since);
  }
  const cluster = await sharedCluster({ kind: 'adaptive', version: wanted });
  const { url, jarId, jarPath, local } = cluster;
  if (!local) throw new Error('the adaptive-scheduler cluster is always local');
  return { url, version: cluster.version, local, jarPath, jarId, startJob: (options) => runFixtureJob(url, jarId, options) };
}

/** Gives up this process's leases (the adaptive cluster): at the end of each test file. */
export async function releaseLeases(): Promise<void> {
  if (brokerRunning()) await askBroker('/release', { holder: String(process.pid) });
}
