import { ensureFlinkInstalled, resolveFlinkVersion } from './distribution';
import { startLocalCluster, type LocalFlinkCluster } from './cluster';
import { buildEndlessJobJar, cancelJob, runEndlessJob, uploadJar, type RunOptions } from './job';

/** The one Flink cluster a test run shares: local (started once, on first use) or `FLINK_URL`. */
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

let shared: Promise<TestFlink> | undefined;
const startedJobs = new Set<string>();
let jobCounter = 0;

const log = (line: string): void => { if (process.env.FLINK_HARNESS_QUIET !== '1') console.log(`      [flink] ${line}`); };

async function bringUp(): Promise<TestFlink> {
  const version = await resolveFlinkVersion();
  const dist = await ensureFlinkInstalled(version, log);
  let local: LocalFlinkCluster | undefined;
  let url = process.env.FLINK_URL?.replace(/\/+$/, '');
  if (!url) {
    const started = Date.now();
    local = await startLocalCluster(dist);
    url = local.url;
    log(`Flink ${version} up at ${url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const jarId = await uploadJar(url, await buildEndlessJobJar(dist));
  const flinkUrl = url;
  return {
    url, version, local, jarId,
    savepointDir: local?.savepointDir,
    checkpointDir: local?.checkpointDir,
    async startJob(options = {}) {
      const jobId = await runEndlessJob(flinkUrl, jarId, { name: `test-job-${++jobCounter}`, ...options });
      startedJobs.add(jobId);
      return jobId;
    },
  };
}

export function testFlink(): Promise<TestFlink> {
  shared ??= bringUp();
  return shared;
}

/** Cancels what the tests started (needed on a shared `FLINK_URL` cluster) and stops a local cluster. */
export async function stopTestFlink(): Promise<void> {
  if (!shared) return;
  const flink = await shared.catch(() => undefined);
  shared = undefined;
  if (!flink) return;
  if (!flink.local) await Promise.allSettled([...startedJobs].map((jobId) => cancelJob(flink.url, jobId)));
  startedJobs.clear();
  await flink.local?.stop();
}
