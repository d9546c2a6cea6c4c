import { resolveFlinkVersion } from '../../dev/flink/distribution';
import { startedFlinkVersions } from '../../dev/flink/cluster';
import { cancelJob, runFixtureJob, type RunOptions } from '../../dev/flink/job';
import { externalFlinkVersions, sharedCluster, type LocalClusterView } from './shared-clusters';

/** A Flink cluster the test run shares: local (started once per run and version, on first use) or `FLINK_URL`. */
export interface TestFlink {
  url: string;
  version: string;
  /** Set for a local cluster: where savepoints and checkpoints land on this machine's disk. */
  savepointDir?: string;
  checkpointDir?: string;
  local?: LocalClusterView;
  /** Jar id of the uploaded fixture job. */
  jarId: string;
  /** Starts the fixture job and waits until it and all its vertices are RUNNING. */
  startJob(options?: Partial<RunOptions>): Promise<string>;
}

export interface TestFlinkOptions {
  /**
   * A cluster of its own for a suite that disturbs it (pauses its JobManager, say) while other test files use the
   * shared one side by side; still started once per run.
   */
  dedicatedTo?: string;
}

/** Jobs started on an external cluster (FLINK_URL) by this process, cancelled after each test file. */
const startedOnExternal = new Map<string, Set<string>>();
let jobCounter = 0;

/**
 * The cluster for `version` (default: FLINK_VERSION, else the newest 2.x), started on first use.
 * Only the default version may be an existing cluster at FLINK_URL.
 */
export async function testFlink(version?: string, options: TestFlinkOptions = {}): Promise<TestFlink> {
  const wanted = await resolveFlinkVersion(version);
  const cluster = await sharedCluster({ kind: 'default', version: wanted, dedicatedTo: options.dedicatedTo });
  const { url, jarId, local } = cluster;
  return {
    url, version: cluster.version, local, jarId,
    savepointDir: local?.savepointDir,
    checkpointDir: local?.checkpointDir,
    async startJob(jobOptions = {}) {
      const jobId = await runFixtureJob(url, jarId, { name: `test-job-${process.pid}-${++jobCounter}`, ...jobOptions });
      if (!local) {
        const jobs = startedOnExternal.get(url) ?? new Set<string>();
        jobs.add(jobId);
        startedOnExternal.set(url, jobs);
      }
      return jobId;
    },
  };
}

/**
 * Versions the client's real-Flink suite runs against (`undefined` is the run's default cluster):
 * FLINK_TEST_VERSIONS (comma-separated) if set; otherwise the default plus the 1.20 LTS line, unless
 * FLINK_VERSION pins the run to one version. Under FLINK_URL the 1.20 leg is listed too, and its suite
 * skips itself with the reason (`requireVersionLeg`), so the summary shows what the run left out.
 */
export function clientTestVersions(): Array<string | undefined> {
  const listed = process.env.FLINK_TEST_VERSIONS?.split(',').map((v) => v.trim()).filter(Boolean);
  if (listed?.length) return listed;
  return process.env.FLINK_VERSION ? [undefined] : [undefined, '1.20'];
}

/** The run's default leg of `clientTestVersions()`: a suite split into a file per group of legs runs it in one file, */
export function defaultLeg(): Array<string | undefined> {
  return clientTestVersions().slice(0, 1);
}

/** and the other legs in another, side by side. */
export function otherLegs(): Array<string | undefined> {
  return clientTestVersions().slice(1);
}

/** The Flink versions this process really tested: each local cluster it started, and the one at FLINK_URL. */
export function flinkVersionsCovered(): string[] {
  return [...startedFlinkVersions, ...externalFlinkVersions()];
}

/** Cancels what this process started on an external cluster (FLINK_URL), which outlives the run. */
export async function cancelJobsOnExternalClusters(): Promise<void> {
  const started = [...startedOnExternal].flatMap(([url, jobs]) => [...jobs].map((jobId) => ({ url, jobId })));
  startedOnExternal.clear();
  await Promise.allSettled(started.map(({ url, jobId }) => cancelJob(url, jobId)));
}
