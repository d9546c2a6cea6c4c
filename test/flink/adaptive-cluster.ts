import { startLocalCluster, type LocalFlinkCluster } from '../../dev/flink/cluster';
import { ensureFlinkInstalled, resolveFlinkVersion } from '../../dev/flink/distribution';
import { buildFixtureJar, runFixtureJob, uploadJar, type RunOptions } from '../../dev/flink/job';

/** The run's cluster with Flink's adaptive scheduler, the one that rescales a job in place. */
export interface AdaptiveTestFlink {
  url: string;
  version: string;
  local: LocalFlinkCluster;
  /** The fixture jar on this machine, and its id on this cluster. */
  jarPath: string;
  jarId: string;
  /** Starts a fixture job (EndlessJob unless the options pick another) and waits until every vertex is RUNNING. */
  startJob(options: RunOptions): Promise<string>;
}

/** Slots for a job rescaled up to 4 (the time-of-day example), or two jobs at 2. */
const ADAPTIVE_SLOTS = 4;

/**
 * The adaptive scheduler's settings that make a rescale happen as soon as it is asked for: no cool-down after the
 * job started or rescaled, no waiting for more slots to come, and no waiting for the next checkpoint (the fixture
 * checkpoints every 60 s; by default a rescale waits up to 1.5 intervals for one). The 1.20 names come second.
 */
const ADAPTIVE_CONFIG = {
  'jobmanager.scheduler': 'adaptive',
  'taskmanager.numberOfTaskSlots': ADAPTIVE_SLOTS,
  'jobmanager.adaptive-scheduler.executing.cooldown-after-rescaling': '0 s',
  'jobmanager.adaptive-scheduler.executing.resource-stabilization-timeout': '1 s',
  'jobmanager.adaptive-scheduler.rescale-trigger.max-delay': '1 s',
  'jobmanager.adaptive-scheduler.scaling-interval.min': '0 s',
  'jobmanager.adaptive-scheduler.max-delay-for-scale-trigger': '1 s',
};

const shared = new Map<string, Promise<AdaptiveTestFlink>>();

async function bringUp(version: string): Promise<AdaptiveTestFlink> {
  const dist = await ensureFlinkInstalled(version);
  const local = await startLocalCluster(dist, { config: ADAPTIVE_CONFIG });
  try {
    const jarPath = await buildFixtureJar(dist);
    const jarId = await uploadJar(local.url, jarPath);
    return {
      url: local.url, version: dist.version, local, jarPath, jarId,
      startJob: (options) => runFixtureJob(local.url, jarId, options),
    };
  } catch (err) {
    await local.stop();
    throw err;
  }
}

/**
 * The adaptive-scheduler cluster for `version` (default: the run's), started once per run and version on first
 * use, stopped by the global teardown. Local only: call `requireLocalRun` first.
 */
export async function adaptiveTestFlink(version?: string): Promise<AdaptiveTestFlink> {
  const wanted = await resolveFlinkVersion(version);
  let flink = shared.get(wanted);
  if (!flink) {
    flink = bringUp(wanted);
    shared.set(wanted, flink);
  }
  return flink;
}

/** Stops every adaptive-scheduler cluster this run started. */
export async function stopAdaptiveTestFlink(): Promise<void> {
  const pending = [...shared.values()];
  shared.clear();
  await Promise.all(pending.map(async (flink) => (await flink.catch(() => undefined))?.local.stop()));
}
