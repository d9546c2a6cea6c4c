import { ensureFlinkInstalled, resolveFlinkVersion } from '../../dev/flink/distribution';
import { startedFlinkVersions, startLocalCluster, type LocalFlinkCluster } from '../../dev/flink/cluster';
import { buildFixtureJar, cancelJob, runFixtureJob, uploadJar, type RunOptions } from '../../dev/flink/job';

/** A Flink cluster the test run shares: local (started once per version, on first use) or `FLINK_URL`. */
export interface TestFlink {
  url: string;
  version: string;
  /** Set for a local cluster: where savepoints and checkpoints land on this machine's disk. */
  savepointDir?: string;
  checkpointDir?: string;
  local?: LocalFlinkCluster;
  /** Jar id of the uploaded fixture job. */
  jarId: string;
  /** Starts the fixture job and waits until it and all its vertices are RUNNING. */
  startJob(options?: Partial<RunOptions>): Promise<string>;
}

const shared = new Map<string, Promise<TestFlink>>();
const startedJobs = new Map<string, Set<string>>();
let jobCounter = 0;

const log = (line: string): void => { if (process.env.FLINK_HARNESS_QUIET !== '1') console.log(`      [flink] ${line}`); };

async function bringUp(version: string, primary: boolean): Promise<TestFlink> {
  const dist = await ensureFlinkInstalled(version, log);
  let local: LocalFlinkCluster | undefined;
  let url = primary ? process.env.FLINK_URL?.replace(/\/+$/, '') : undefined;
  if (!url) {
    const started = Date.now();
    local = await startLocalCluster(dist);
    url = local.url;
    log(`Flink ${version} up at ${url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } else {
    externalVersions.add(await externalVersion(url));
  }
  const jarId = await uploadJar(url, await buildFixtureJar(dist));
  const flinkUrl = url;
  const jobs = new Set<string>();
  startedJobs.set(version, jobs);
  return {
    url, version, local, jarId,
    savepointDir: local?.savepointDir,
    checkpointDir: local?.checkpointDir,
    async startJob(options = {}) {
      const jobId = await runFixtureJob(flinkUrl, jarId, { name: `test-job-${++jobCounter}`, ...options });
      jobs.add(jobId);
      return jobId;
    },
  };
}

/**
 * The cluster for `version` (default: FLINK_VERSION, else the newest 2.x), started on first use.
 * Only the default version may be an existing cluster at FLINK_URL.
 */
export async function testFlink(version?: string): Promise<TestFlink> {
  const primary = await resolveFlinkVersion();
  const wanted = version ? await resolveFlinkVersion(version) : primary;
  let flink = shared.get(wanted);
  if (!flink) {
    flink = bringUp(wanted, wanted === primary);
    shared.set(wanted, flink);
  }
  return flink;
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

const externalVersions = new Set<string>();

/** The Flink versions this run really tested: each local cluster started, and the one at FLINK_URL. */
export function flinkVersionsCovered(): string[] {
  return [...startedFlinkVersions, ...[...externalVersions].map((v) => `${v} (FLINK_URL)`)];
}

async function externalVersion(url: string): Promise<string> {
  const response = await fetch(`${url}/config`, { signal: AbortSignal.timeout(10_000) });
  const config = await response.json() as { 'flink-version'?: string };
  return config['flink-version'] ?? 'unknown';
}

/** Cancels what the tests started (needed on a shared `FLINK_URL` cluster) and stops local clusters. */
export async function stopTestFlink(version?: string): Promise<void> {
  const versions = version === undefined ? [...shared.keys()] : [await resolveFlinkVersion(version)];
  await Promise.all(versions.map(async (v) => {
    const pending = shared.get(v);
    shared.delete(v);
    const flink = await pending?.catch(() => undefined);
    if (!flink) return;
    const jobs = startedJobs.get(v) ?? new Set<string>();
    startedJobs.delete(v);
    if (!flink.local) await Promise.allSettled([...jobs].map((jobId) => cancelJob(flink.url, jobId)));
    await flink.local?.stop();
  }));
}
