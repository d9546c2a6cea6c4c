import type { Node, NodeAPI, NodeDef, NodeMessage, NodeStatus } from 'node-red';
import { realClock } from './lib/clock';
import { clusterOf } from './lib/cluster/cluster-node';
import { invalidArgument, toNodeError } from './lib/errors';
import { HealthEngine, type HealthThresholds } from './lib/health/health-engine';
import { healthListing, openListing } from './lib/health/health-listing';
import { IncidentMemory } from './lib/health/incident-memory';
import type { IncidentEvent } from './lib/health/incidents';
import type { JobHealthSample } from './lib/health/job-sample';
import { applicationRootCauseOf, fetchFirstApplicationException, fetchNewestException, rootCauseOf } from './lib/health/root-cause';
import { readSendResolved, readThresholds, type ThresholdSettings } from './lib/health/thresholds';
import type { JobListing } from './lib/jobs/job-list-poller';
import { nameMatcher, stateList, type NameMatch } from './lib/jobs/job-filters';
import { runtimeMessages, type Messages } from './lib/messages';
import { settingSecondsToMs } from './lib/values';

interface HealthSettings extends NodeDef, ThresholdSettings {
  cluster?: string;
  /** Seconds between two listings of the cluster's jobs. */
  interval?: number | string;
  /** Seconds between two health rounds of each selected job (its metrics, checkpoints and backpressure). */
  sampleInterval?: number | string;
  nameFilter?: string;
  nameMatch?: NameMatch;
  /** Open incidents only for jobs in these states (none: any state). */
  states?: string[] | string;
}

const DEFAULT_INTERVAL_MS = 10_000;
/**
 * A health round costs about three requests per job, so it runs less often than the listing: the thresholds are
 * minutes, and restarts and failed checkpoints are counters, so nothing between two rounds is missed.
 */
const DEFAULT_SAMPLE_INTERVAL_MS = 30_000;
const MIN_INTERVAL_S = 0.1;
/** Kinds whose opening carries the job's newest failure from its exception history. */
const WITH_ROOT_CAUSE = new Set(['job-failed', 'restart-loop']);

function incidentMessage(event: IncidentEvent): NodeMessage {
  const { incidentId, kind, severity, jobId, jobName, applicationId, applicationName, since, resolvedAt, values, rootCause } = event;
  const application = applicationId ? { applicationId, applicationName } : {};
  const payload = {
    incidentId, kind, event: event.event, severity, jobId, jobName, ...application, since,
    ...(resolvedAt === undefined ? {} : { resolvedAt }), values, ...(rootCause ? { rootCause } : {}),
  };
  return { topic: `flink/${jobName ?? applicationName ?? 'cluster'}/${kind}`, ...(jobId ? { jobId } : {}), ...(applicationId ? { applicationId } : {}), payload };
}

function statusOf(engine: HealthEngine, t: Messages, unreachableCode?: string): NodeStatus {
  const jobs = engine.watched === 1 ? t('status.oneJob') : t('status.manyJobs', { count: engine.watched });
  const count = engine.incidents.length;
  const incidents = count === 1 ? t('status.oneIncident') : t('status.manyIncidents', { count });
  if (engine.unreachable) return { fill: 'red', shape: 'ring', text: [t('status.unreachable'), unreachableCode, incidents].filter(Boolean).join(' · ') };
  return { fill: count > 0 ? 'yellow' : 'green', shape: 'dot', text: `${jobs} · ${incidents}` };
}

/**
 * flink-job-health: raises incidents (restart loops, failed or lost jobs, failing or stale checkpoints,
 * backpressure, an unreachable cluster, and on Flink 2.3+ failed applications) for the jobs and applications it selects, one message when each opens and one when it is
 * resolved. Its listings come from the cluster's shared job-list poller and its per-job measurements from the
 * cluster's shared health sampler; the incidents themselves are the engine's (lib/health/health-engine.ts).
 */
export = function (RED: NodeAPI): void {
  const t = runtimeMessages(RED, 'flink-job-health');
  const memory = new IncidentMemory();
  const start = (node: Node, settings: HealthSettings): void => {
    const cluster = clusterOf(RED, settings.cluster);
    const redact = cluster?.redact ?? ((text: string) => text);
    const fail = (err: unknown): void => {
      const error = toNodeError(err, redact);
      node.status({ fill: 'red', shape: 'ring', text: error.code });
      node.error(error, { topic: 'flink-job-health', payload: null });
    };
    if (!cluster) {
      fail(invalidArgument(t('errors.noCluster')));
      return;
    }
    let every: number;
    let sampleEvery: number;
    let thresholds: HealthThresholds;
    let sendResolved: boolean;
    let matches: (name: string) => boolean;
    let states: string[];
    try {
      every = settingSecondsToMs('The node\'s Interval', settings.interval, MIN_INTERVAL_S) ?? DEFAULT_INTERVAL_MS;
      sampleEvery = settingSecondsToMs('The node\'s health round interval', settings.sampleInterval, MIN_INTERVAL_S) ?? DEFAULT_SAMPLE_INTERVAL_MS;
      thresholds = readThresholds(settings);
      sendResolved = readSendResolved(settings.sendResolved);
      matches = nameMatcher(settings.nameFilter, settings.nameMatch, t);
      states = stateList(settings.states);
    } catch (err) {
      fail(err); // a setting that cannot work: no polling at all
      return;
    }

    const { shared } = cluster;
    const engine = new HealthEngine({
      clusterId: cluster.id, thresholds,
      watches: (job) => matches(job.jobName),
      watchesApplication: (name) => matches(name),
      opensIn: (state) => states.length === 0 || states.includes(state),
      remembered: memory.recall(node, cluster.id),
    });
    const closing = new AbortController();
    let outbox = Promise.resolve();
    let unreachableCode: string | undefined;

    const withRootCause = async (event: IncidentEvent): Promise<IncidentEvent> => {
      if (event.event === 'opened' && event.kind === 'application-failed' && event.applicationId) {
        const first = await fetchFirstApplicationException(() => shared.get(), event.applicationId, closing.signal, realClock);
        return first ? { ...event, rootCause: applicationRootCauseOf(first) } : event;
      }
      if (event.event !== 'opened' || !event.jobId || !WITH_ROOT_CAUSE.has(event.kind)) return event;
      const newest = await fetchNewestException(() => shared.get(), event.jobId, closing.signal, realClock);
      return newest ? { ...event, rootCause: rootCauseOf(newest) } : event;
    };

    /** Sends the events in the order they happened (a root cause is fetched first), and keeps the memory and status current. */
    const publish = (events: IncidentEvent[]): void => {
      node.status(statusOf(engine, t, unreachableCode));
      if (events.length === 0) return;
      memory.remember(node, cluster.id, engine.incidents);
      for (const event of events) {
        if (event.event === 'resolved' && !sendResolved) continue;
        outbox = outbox
          .then(() => withRootCause(event))
          .then((complete) => { if (!closing.signal.aborted) node.send(incidentMessage(complete)); })
          .catch((err: unknown) => node.error(toNodeError(err, redact)));
      }
    };

    const sampling = shared.health.subscribe(sampleEvery, (jobId: string, sample: JobHealthSample) => {
      publish(engine.sample(jobId, sample));
    });

    const receive = (listing: JobListing): void => {
      const open = openListing(listing, redact);
      if (!open) return;
      unreachableCode = open.error?.code;
      publish(healthListing(engine, sampling, open, Date.now()));
    };

    shared.register(node.id);
    // Applications (Flink 2.3+) come with the listing; on an older Flink they are never asked for.
    const unsubscribe = shared.jobList.subscribe(every, receive, { applications: true });

    node.on('close', (removed: boolean, done: () => void) => {
      closing.abort();
      if (removed) memory.forget(node);
      Promise.all([unsubscribe(), sampling.unsubscribe(), outbox])
        .then(() => shared.deregister(node.id))
        .catch((err: unknown) => node.error(toNodeError(err, redact)))
        .finally(done);
    });
  };
  RED.nodes.registerType('flink-job-health', function (this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    start(this, def as HealthSettings);
  });
};
