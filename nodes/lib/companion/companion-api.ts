import type { Node, NodeAPI } from 'node-red';
import type { FlinkClusterNode } from '../cluster/cluster-node';
import { FlinkNodeError, toNodeError } from '../errors';
import { HealthEngine } from '../health/health-engine';
import { healthListing, openListing } from '../health/health-listing';
import type { Incident, IncidentKind, Severity } from '../health/incidents';
import { readThresholds, type ThresholdSettings } from '../health/thresholds';
import { jobSelector } from '../jobs/job-filters';
import { summarizeJob, type JobSummary } from '../jobs/job-summary';
import { runtimeMessages } from '../messages';
import { malformed, MAX_TIMER_MS } from '../values';
import { newestSavepoints, type SavepointRecord } from '../savepoints/savepoint-catalog';
import { JOB_ACTIONS, runJobAction, type JobAction, type JobActionOutcome, type JobActionRequest } from './job-actions';

/*
 * The interface a flink-cluster config node offers companion packages (the Dashboard 2.0 widget of
 * @flink-ops/node-red-dashboard-2-flink) as its `companion` property. A companion reaches it through the config
 * node it is configured with, never by require: it then uses the one copy of this package Node-RED loaded, with
 * its shared client, job-list poller and context-store queues, and opens no connection of its own.
 * Documented in docs/companion-api.md; a change that breaks a companion raises COMPANION_API_VERSION.
 */

export const COMPANION_API_VERSION = 1;

export { JOB_ACTIONS, type JobAction, type JobActionOutcome, type JobActionRequest };
export type { JobActionError } from './job-actions';
export type { JobSummary };

/** One listing of the cluster's jobs: the jobs, or why they could not be listed (code and masked message). */
export type CompanionListing =
  | { jobs: JobSummary[]; error?: undefined }
  | { error: { code: string; message: string }; jobs?: undefined };

/** The newest catalogued savepoint of a job name. */
export type NewestSavepoint = Pick<SavepointRecord, 'jobId' | 'location' | 'takenAt' | 'kind'>;

/** An open health incident of a job, as a companion shows it (its measurements and root cause stay in Node-RED). */
export interface CompanionIncident {
  incidentId: string;
  kind: IncidentKind;
  severity: Severity;
  /** null for the cluster's own (cluster-unreachable). */
  jobId: string | null;
  /** When the condition began (ms since the epoch). */
  since: number;
}

/** Which jobs a companion shows: the filters of flink-list-jobs and flink-job-watch. */
export interface JobFilterSettings {
  nameFilter?: string;
  /** exact (default) or regex. */
  nameMatch?: string;
  /** States to keep (an array or a comma-separated list); none keeps every state. */
  states?: string[] | string;
}

/** One companion node's use of the cluster, from attach to close. */
export interface CompanionUse {
  /**
   * Listings from the cluster's shared poller, at least every `everyMs` (the first at once); one subscription per use.
   * Throws a FlinkNodeError FLINK_INVALID_ARGUMENT for an `everyMs` that is not a number of milliseconds from 1 to 2^31−1.
   */
  watchJobs(everyMs: number, listener: (listing: CompanionListing) => void): void;
  /** The newest catalogued savepoint of each job name. Rejects with a FlinkNodeError (e.g. an unknown context store). */
  newestSavepoints(): Promise<Map<string, NewestSavepoint>>;
  /**
   * The job's parallelism: the highest of its vertices' (`GET /jobs/:id`, one request). Rejects with a
   * FlinkNodeError (masked); closing aborts it.
   */
  jobParallelism(jobId: string): Promise<number>;
  /**
   * The open health incidents of the jobs `watches` selects, by the health node's engine with `thresholds` (the
   * health node's threshold settings, by their names and units; a missing or empty one has the node's default):
   * from the shared job listings (every `listEveryMs`) and the cluster's shared health sampler (a round
   * per job every `sampleEveryMs`, shared with the flink-job-health nodes that watch the job). The listener gets
   * every open incident whenever one opens or resolves. Incident ids are those a health node gives the same
   * incident. Once per use. Throws a FlinkNodeError FLINK_INVALID_ARGUMENT naming a bad threshold or an interval that
   * is not a number of milliseconds from 1 to 2^31−1, before it watches anything.
   */
  watchHealth(listEveryMs: number, sampleEveryMs: number, watches: (job: JobSummary) => boolean, listener: (incidents: CompanionIncident[]) => void,
    thresholds?: ThresholdSettings): void;
  /** Runs an action; never rejects: its outcome says how it went. Closing aborts it (outcome FLINK_ABORTED). */
  runAction(request: JobActionRequest): Promise<JobActionOutcome>;
  /** Masks the cluster config's secrets in a text. */
  redact(text: string): string;
  /** Stops watching, aborts the actions in flight and waits for their outcomes, releases the shared client. */
  close(): Promise<void>;
}

export interface FlinkClusterCompanion {
  readonly apiVersion: typeof COMPANION_API_VERSION;
  /** Starts a companion node's use of the cluster (it counts as a user of the shared client until it closes). */
  attach(node: Node): CompanionUse;
  /** A test of jobs by the settings; throws FLINK_INVALID_ARGUMENT for a setting that cannot work (a bad regex or state). */
  jobFilter(settings: JobFilterSettings): (job: JobSummary) => boolean;
}

function incidentOf({ incidentId, kind, severity, jobId, since }: Incident): CompanionIncident {
  return { incidentId, kind, severity, jobId, since };
}

/** An interval a companion asks for: milliseconds a timer can hold (a longer one would fire after 1 ms). */
function checkEvery(name: string, everyMs: number): void {
  if (typeof everyMs !== 'number' || !(everyMs >= 1 && everyMs <= MAX_TIMER_MS)) {
    throw malformed(name, `a number of milliseconds from 1 to ${MAX_TIMER_MS}`, everyMs);
  }
}

function newestOf(record: SavepointRecord): NewestSavepoint {
  return { jobId: record.jobId, location: record.location, takenAt: record.takenAt, kind: record.kind };
}

export function clusterCompanion(RED: NodeAPI, cluster: FlinkClusterNode): FlinkClusterCompanion {
  const t = runtimeMessages(RED, 'flink-list-jobs');
  return {
    apiVersion: COMPANION_API_VERSION,
    jobFilter(settings) {
      const kept = jobSelector(settings, t);
      return (job) => kept(job.state, job.name);
    },
    attach(node) {
      const { shared } = cluster;
      shared.register(node.id);
      const inFlight = new Set<{ controller: AbortController; settled: Promise<unknown> }>();
      let unsubscribe: (() => Promise<void>) | undefined;
      let stopHealth: (() => Promise<void>) | undefined;
      let closed = false;
      const closing = (): FlinkNodeError => new FlinkNodeError('FLINK_ABORTED', t('errors.closing'));
      /** Runs a request of this use with a signal that closing aborts; close waits until it has settled. */
      const track = <T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
        const controller = new AbortController();
        if (closed) controller.abort(closing());
        const settled = work(controller.signal);
        const entry = { controller, settled };
        inFlight.add(entry);
        void settled.catch(() => undefined).finally(() => inFlight.delete(entry));
        return settled;
      };
      return {
        watchJobs(everyMs, listener) {
          if (unsubscribe || closed) throw new Error('watchJobs is called once per use, before close');
          checkEvery('watchJobs\'s everyMs', everyMs);
          unsubscribe = shared.jobList.subscribe(everyMs, (listing) => {
            const open = openListing(listing, cluster.redact);
            if (!open) return;
            listener(open.jobs ? { jobs: open.jobs.map(summarizeJob) } : { error: { code: open.error.code, message: open.error.message } });
          });
        },
        watchHealth(listEveryMs, sampleEveryMs, watches, listener, thresholds = {}) {
          if (stopHealth || closed) throw new Error('watchHealth is called once per use, before close');
          checkEvery('watchHealth\'s listEveryMs', listEveryMs);
          checkEvery('watchHealth\'s sampleEveryMs', sampleEveryMs);
          const engine = new HealthEngine({
            clusterId: cluster.id, thresholds: readThresholds(thresholds),
            watches: (job) => watches(summarizeJob(job)), opensIn: () => true,
          });
          const report = (changes: unknown[]): void => { if (changes.length > 0) listener(engine.incidents.map(incidentOf)); };
          const sampling = shared.health.subscribe(sampleEveryMs, (jobId, sample) => report(engine.sample(jobId, sample)));
          const unsubscribeListing = shared.jobList.subscribe(listEveryMs, (listing) => {
            const open = openListing(listing, cluster.redact);
            if (open) report(healthListing(engine, sampling, open, Date.now()));
          });
          stopHealth = async () => {
            await unsubscribeListing();
            await sampling.unsubscribe();
          };
        },
        async newestSavepoints() {
          try {
            const newest = await newestSavepoints(cluster.state());
            return new Map([...newest].map(([name, record]) => [name, newestOf(record)]));
          } catch (err) {
            throw toNodeError(err, cluster.redact);
          }
        },
        jobParallelism: (jobId) => track(async (signal) => {
          try {
            const details = await shared.get().getJobDetails(jobId, { signal });
            return Math.max(0, ...details.vertices.map((vertex) => vertex.parallelism));
          } catch (err) {
            throw toNodeError(err, cluster.redact);
          }
        }),
        runAction: (request) => track((signal) => runJobAction(cluster, { RED, node }, request, signal)),
        redact: (text) => cluster.redact(text),
        async close() {
          closed = true;
          for (const { controller } of inFlight) controller.abort(closing());
          await Promise.allSettled([...inFlight].map(({ settled }) => settled));
          await unsubscribe?.();
          await stopHealth?.();
          await shared.deregister(node.id);
        },
      };
    },
  };
}
