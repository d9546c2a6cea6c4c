import type { Clock } from '../clock';
import type { BusySample } from './busy-sample';
import { nextParallelism, type AutoscaleRules } from './rules';

/** Time as the autoscaler sees it (it never waits); tests pass a fake one. */
export type AutoscaleClock = Pick<Clock, 'now'>;

/**
 * What the autoscaler decided for a job:
 * - `up` / `down`: rescale from → to (the message for flink-rescale goes out with it);
 * - `rescaled`: the job reports every vertex at the new parallelism (the cooldown starts);
 * - `hold`: nothing to do, and `reason` says why;
 * - `forgotten`: no message of the job for longer than any window or cooldown: its state is dropped.
 */
export type DecisionAction = 'up' | 'down' | 'rescaled' | 'hold' | 'forgotten';

export type HoldReason =
  | 'within-thresholds' | 'busy-not-long-enough' | 'idle-not-long-enough' | 'cooldown' | 'rescaling' | 'rescale-not-seen'
  | 'at-max' | 'at-min' | 'no-busy-time';

export interface Decision {
  jobId: string;
  jobName: string;
  /** When the decision was made (the autoscaler's clock, ms since the epoch). */
  at: number;
  action: DecisionAction;
  reason?: HoldReason;
  /** The job's parallelism (its vertices' highest) and the one it is to have; equal when nothing changes. */
  parallelism: { from: number; to: number };
  /** The busiest subtask of the busiest vertex in this round: ms per second and per cent. */
  busy?: { vertex: string; msPerSecond: number; percent: number };
  /** The sustained condition: over the upper or under the lower threshold, for how long so far, and how long it needs. */
  window?: { condition: 'over' | 'under'; thresholdPercent: number; forMs: number; neededMs: number };
  /** The decision in words, for the debug sidebar. */
  why: string;
}

/** The message for flink-rescale: the whole job to `parallelism`. */
export interface RescaleRequest {
  jobId: string;
  jobName: string;
  parallelism: number;
}

export interface Observation {
  rescale?: RescaleRequest;
  /** The decisions worth telling: every up, down, rescaled and forgotten, and a hold only when its reason changes. */
  decisions: Decision[];
}

/**
 * How long a rescale may stay in flight (the job not yet reporting the new parallelism) before the autoscaler stops
 * waiting for it: flink-rescale's own default wait.
 */
export const RESCALE_WAIT_MS = 300_000;
/** A round later than this many times the job's last interval restarts its window (the rounds in between are missing). */
const GAP_INTERVALS = 3;

type Condition = 'over' | 'under' | 'within' | 'unknown';

interface JobState {
  jobName: string;
  lastSeenAt: number;
  lastIntervalMs?: number;
  parallelisms: number[];
  condition: Condition;
  /** When the current condition's window began. */
  since: number;
  inFlight?: { from: number; to: number; since: number };
  cooldownUntil?: number;
  /** The action and reason last told, so that an unchanged hold is not told again. */
  told?: string;
}

const percentOf = (msPerSecond: number): number => Math.round(msPerSecond / 10 * 10) / 10;

function conditionOf(rules: AutoscaleRules, sample: BusySample): Condition {
  if (!sample.busiest) return 'unknown';
  const percent = sample.busiest.busyMsPerSecond / 10;
  if (percent > rules.upperBusyPercent) return 'over';
  if (percent < rules.lowerBusyPercent) return 'under';
  return 'within';
}

/** After a rescale: this round may hold numbers from before or during it, so the windows start with the next one. */
function restartWindows(job: JobState): void {
  job.condition = 'unknown';
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/**
 * The autoscale rule, one state per job id: scale up when the busiest vertex stays over the upper threshold for the
 * up window, down when it stays under the lower one for the down window, within min and max parallelism, with a
 * cooldown after each rescale. A rescale is in flight from the decision until the job's rounds report every vertex
 * at the new parallelism; then the cooldown runs, and the windows start after it: rounds measured during the
 * rescale or the cooldown are not counted. (Flink's busy time is a 60-second moving average, and a task that has just
 * started reports 1000 ms/s until its first measurement: such rounds must not start a window.) Pure: time comes from
 * the clock, input from the metrics rounds.
 */
export class Autoscaler {
  private readonly jobs = new Map<string, JobState>();

  constructor(private readonly rules: AutoscaleRules, private readonly clock: AutoscaleClock) {}

  /** How many jobs the autoscaler keeps state for. */
  get jobCount(): number {
    return this.jobs.size;
  }

  /** One metrics round of one job. */
  observe(sample: BusySample): Observation {
    const now = this.clock.now();
    const decisions = this.forgetSilentJobs(now, sample.jobId);
    const from = Math.max(...sample.parallelisms);
    const condition = conditionOf(this.rules, sample);
    let job = this.jobs.get(sample.jobId);
    if (!job) {
      job = { jobName: sample.jobName, lastSeenAt: now, parallelisms: sample.parallelisms, condition, since: now };
      this.jobs.set(sample.jobId, job);
    } else {
      const intervalMs = now - job.lastSeenAt;
      const gap = job.lastIntervalMs !== undefined && intervalMs > GAP_INTERVALS * job.lastIntervalMs;
      const rescaled = job.parallelisms.join() !== sample.parallelisms.join();
      if (gap || rescaled || condition !== job.condition) Object.assign(job, { condition, since: now });
      Object.assign(job, { jobName: sample.jobName, lastSeenAt: now, lastIntervalMs: intervalMs, parallelisms: sample.parallelisms });
    }
    const tell = (decision: Omit<Decision, 'jobId' | 'jobName' | 'at' | 'busy'>): void => {
      const key = `${decision.action}:${decision.reason ?? ''}`;
      if (decision.action === 'hold' && job.told === key) return;
      job.told = key;
      const busy = sample.busiest
        ? { vertex: sample.busiest.vertex, msPerSecond: sample.busiest.busyMsPerSecond, percent: percentOf(sample.busiest.busyMsPerSecond) }
        : undefined;
      decisions.push({ jobId: sample.jobId, jobName: sample.jobName, at: now, ...decision, ...(busy ? { busy } : {}) });
    };

    if (job.inFlight) {
      const { from: before, to, since } = job.inFlight;
      if (sample.parallelisms.every((p) => p === to)) {
        job.inFlight = undefined;
        job.cooldownUntil = now + this.rules.cooldownMs;
        restartWindows(job);
        tell({ action: 'rescaled', parallelism: { from: before, to },
          why: `${sample.jobName} runs at parallelism ${to} after ${seconds(now - since)}; the windows start again after a cooldown of ${seconds(this.rules.cooldownMs)}` });
      } else if (now - since > RESCALE_WAIT_MS) {
        job.inFlight = undefined;
        job.cooldownUntil = now + this.rules.cooldownMs;
        restartWindows(job);
        tell({ action: 'hold', reason: 'rescale-not-seen', parallelism: { from, to: from },
          why: `${sample.jobName} still runs at parallelism ${sample.parallelisms.join('/')} ${seconds(now - since)} after the rescale to ${to} was asked for: not waiting any longer; cooldown ${seconds(this.rules.cooldownMs)}` });
      } else {
        tell({ action: 'hold', reason: 'rescaling', parallelism: { from, to },
          why: `rescale of ${sample.jobName} to ${to} in flight (now ${sample.parallelisms.join('/')}): no decision until it runs at ${to}` });
      }
      return { decisions };
    }

    // A job whose tasks (re)started less than a cooldown ago (deployed, restarted after a failure) cools down too.
    if (sample.uptimeMs !== undefined && sample.uptimeMs < this.rules.cooldownMs) {
      job.cooldownUntil = Math.max(job.cooldownUntil ?? 0, now + this.rules.cooldownMs - sample.uptimeMs);
    }
    if (job.cooldownUntil !== undefined) {
      if (now < job.cooldownUntil) {
        restartWindows(job);
        tell({ action: 'hold', reason: 'cooldown', parallelism: { from, to: from },
          why: `${sample.jobName}: cooldown for another ${seconds(job.cooldownUntil - now)}: rounds during it are not counted` });
        return { decisions };
      }
      job.cooldownUntil = undefined; // the windows start with this round
    }
    if (condition === 'unknown') {
      tell({ action: 'hold', reason: 'no-busy-time', parallelism: { from, to: from }, why: `${sample.jobName}: no vertex reports its busy time` });
      return { decisions };
    }
    const busyText = `busiest vertex "${sample.busiest!.vertex}" ${percentOf(sample.busiest!.busyMsPerSecond)} % busy`;
    if (condition === 'within') {
      tell({ action: 'hold', reason: 'within-thresholds', parallelism: { from, to: from },
        why: `${sample.jobName}: ${busyText}, within ${this.rules.lowerBusyPercent}–${this.rules.upperBusyPercent} %` });
      return { decisions };
    }

    const up = condition === 'over';
    const window = {
      condition, thresholdPercent: up ? this.rules.upperBusyPercent : this.rules.lowerBusyPercent,
      forMs: now - job.since, neededMs: up ? this.rules.upWindowMs : this.rules.downWindowMs,
    } as const;
    const sustained = `${busyText} for ${seconds(window.forMs)} (${up ? 'over' : 'under'} ${window.thresholdPercent} % for ${seconds(window.neededMs)} ${window.forMs >= window.neededMs ? 'reached' : 'needed'})`;
    const hold = (reason: HoldReason, why: string): Observation => {
      tell({ action: 'hold', reason, parallelism: { from, to: from }, window, why: `${sample.jobName}: ${sustained}: ${why}` });
      return { decisions };
    };
    if (window.forMs < window.neededMs) return hold(up ? 'busy-not-long-enough' : 'idle-not-long-enough', 'not long enough yet');
    const to = nextParallelism(this.rules, from, up ? 'up' : 'down');
    if (up && to <= from) return hold('at-max', `at the max parallelism ${this.rules.maxParallelism}`);
    if (!up && to >= from) return hold('at-min', `at the min parallelism ${this.rules.minParallelism}`);
    job.inFlight = { from, to, since: now };
    tell({ action: up ? 'up' : 'down', parallelism: { from, to }, window, why: `scale ${sample.jobName} ${up ? 'up' : 'down'} ${from} → ${to}: ${sustained}` });
    return { rescale: { jobId: sample.jobId, jobName: sample.jobName, parallelism: to }, decisions };
  }

  /** Drops the state of every job (the node closes). */
  clear(): void {
    this.jobs.clear();
  }

  /** Jobs without a round for longer than any window, cooldown or rescale wait have gone: their state is dropped. */
  private forgetSilentJobs(now: number, current: string): Decision[] {
    const silentAfterMs = Math.max(this.rules.upWindowMs, this.rules.downWindowMs, this.rules.cooldownMs, RESCALE_WAIT_MS);
    const forgotten: Decision[] = [];
    for (const [jobId, job] of this.jobs) {
      if (jobId === current || now - job.lastSeenAt <= silentAfterMs) continue;
      this.jobs.delete(jobId);
      const parallelism = Math.max(...job.parallelisms);
      forgotten.push({ jobId, jobName: job.jobName, at: now, action: 'forgotten', parallelism: { from: parallelism, to: parallelism },
        why: `${job.jobName}: no metrics for ${seconds(now - job.lastSeenAt)}: its autoscale state is dropped` });
    }
    return forgotten;
  }
}
