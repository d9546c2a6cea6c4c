import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow, NodeStatus } from 'node-red';
import { TERMINAL_JOB_STATES, type JobStatusMessage } from '../src';
import { clusterOf } from './lib/cluster/cluster-node';
import { errorProperty, FlinkNodeError, invalidArgument, toNodeError } from './lib/errors';
import type { JobListing } from './lib/jobs/job-list-poller';
import { nameMatcher, stateList, type NameMatch } from './lib/jobs/job-filters';
import { runtimeMessages, type Messages } from './lib/messages';
import { seriesOf, type JobMetrics } from './lib/metrics/job-metrics';
import { checkJobId } from './lib/flow/message-input';
import { checkBoolean, checkString, isGiven, settingSecondsToMs } from './lib/values';

interface MetricsSettings extends NodeDef {
  cluster?: string;
  /** Seconds between two listings of the cluster's jobs and two rounds of each selected job's metrics. */
  interval?: number | string;
  nameFilter?: string;
  nameMatch?: NameMatch;
  /** Only jobs in these states (none: any state but the ended ones). */
  states?: string[] | string;
  /** One message per series (Dashboard 2.0's ui-chart) instead of one per job. */
  series?: boolean | string;
}

const DEFAULT_INTERVAL_MS = 10_000;
const MIN_INTERVAL_S = 0.1;

/** The messages of one job's round: one with the whole payload, or one per series. */
function messagesOf(metrics: JobMetrics, series: boolean, base: NodeMessage = {}): NodeMessage[] {
  if (!series) return [{ ...base, topic: `flink/${metrics.jobName}/metrics`, jobId: metrics.jobId, payload: metrics } as NodeMessage];
  return seriesOf(metrics).map(({ series: name, value }) =>
    ({ ...base, topic: name, payload: value, timestamp: metrics.at, jobId: metrics.jobId }) as NodeMessage);
}

function statusOf(watched: number, t: Messages, unreachableCode?: string): NodeStatus {
  if (unreachableCode) return { fill: 'red', shape: 'ring', text: `${t('status.unreachable')} · ${unreachableCode}` };
  return { fill: 'green', shape: 'dot', text: watched === 1 ? t('status.oneJob') : t('status.manyJobs', { count: watched }) };
}

/** msg.jobId and msg.jobName of an input: which jobs to read now (neither: every job the node selects). */
function inputSelection(msg: NodeMessage): { jobId?: string; jobName?: string } {
  const raw = msg as NodeMessage & { jobId?: unknown; jobName?: unknown };
  const selection: { jobId?: string; jobName?: string } = {};
  if (isGiven(raw.jobId)) selection.jobId = checkJobId('msg.jobId', raw.jobId);
  if (isGiven(raw.jobName)) selection.jobName = checkString('msg.jobName', raw.jobName);
  return selection;
}

/**
 * flink-job-metrics: every interval, one message per selected job with its throughput, busy, backpressured and
 * idle time, watermark lag and pending records per vertex, its uptime, restarts and last checkpoint (or one
 * message per series, for a chart). Its listings come from the cluster's shared job-list poller and its rounds
 * from the cluster's shared metrics sampler (lib/metrics/metrics-sampler.ts); an input reads now.
 */
export = function (RED: NodeAPI): void {
  const t = runtimeMessages(RED, 'flink-job-metrics');
  const start = (node: Node, settings: MetricsSettings): void => {
    const cluster = clusterOf(RED, settings.cluster);
    const redact = cluster?.redact ?? ((text: string) => text);
    const fail = (err: unknown): void => {
      const error = toNodeError(err, redact);
      node.status({ fill: 'red', shape: 'ring', text: error.code });
      node.error(error, { topic: 'flink-job-metrics', payload: null });
    };
    let every: number;
    let matches: (name: string) => boolean;
    let states: string[];
    let series: boolean;
    try {
      if (!cluster) throw invalidArgument(t('errors.noCluster'));
      every = settingSecondsToMs('The node\'s Interval', settings.interval, MIN_INTERVAL_S) ?? DEFAULT_INTERVAL_MS;
      matches = nameMatcher(settings.nameFilter, settings.nameMatch, t);
      states = stateList(settings.states);
      series = isGiven(settings.series) && settings.series !== '' ? checkBoolean('The node\'s One message per series', settings.series) : false;
    } catch (err) {
      fail(err); // a setting that cannot work: no polling at all
      node.on('input', (_msg: NodeMessageInFlow, _send: unknown, done: (err?: Error) => void) => done(toNodeError(err, redact)));
      return;
    }

    const { shared } = cluster;
    const closing = new AbortController();
    const selects = (job: JobStatusMessage): boolean => matches(job.jobName)
      && (states.length === 0 ? !TERMINAL_JOB_STATES.includes(job.state) : states.includes(job.state));
    let watched = 0;
    let unreachableCode: string | undefined;

    const sampling = shared.metrics.subscribe(every, (_jobId: string, metrics: JobMetrics) => {
      if (closing.signal.aborted) return;
      for (const msg of messagesOf(metrics, series)) node.send(msg);
    });

    const receive = (listing: JobListing): void => {
      if (listing.jobs === undefined) {
        const error = toNodeError(listing.error, redact);
        if (error.code === 'FLINK_ABORTED') return; // the config closes (a redeploy): not an outage
        unreachableCode = error.code;
        sampling.want(new Map()); // no rounds against a JobManager that does not answer; the next listing resumes them
      } else {
        unreachableCode = undefined;
        const selected = listing.jobs.filter(selects);
        watched = selected.length;
        sampling.want(new Map(selected.map((job) => [job.jobId, job.jobName])));
      }
      node.status(statusOf(watched, t, unreachableCode));
    };

    /** An input: the jobs it names (or every job the node selects) measured now, one outcome per input. */
    const readNow = async (msg: NodeMessage): Promise<NodeMessage[]> => {
      const selection = inputSelection(msg);
      const client = shared.get();
      const jobs = (await client.listJobs({ signal: closing.signal })).filter((job) => {
        if (selection.jobId) return job.jobId === selection.jobId;
        if (selection.jobName) return job.jobName === selection.jobName && !TERMINAL_JOB_STATES.includes(job.state);
        return selects(job);
      });
      if (selection.jobId && jobs.length === 0) throw new FlinkNodeError('FLINK_JOB_NOT_FOUND', t('errors.jobNotFound', { jobId: selection.jobId }));
      const measured = await Promise.all(jobs.map((job) => shared.metrics.readNow(job.jobId, job.jobName, closing.signal)));
      const base = { ...msg };
      delete (base as { _msgid?: string })._msgid;
      return measured.flatMap((metrics) => messagesOf(metrics, series, RED.util.cloneMessage(base)));
    };

    node.on('input', (msg: NodeMessageInFlow, send: (msg: NodeMessage) => void, done: (err?: Error) => void) => {
      readNow(msg)
        .then((messages) => {
          for (const out of messages) send(out);
          done();
        })
        .catch((err: unknown) => {
          const error = toNodeError(err, redact);
          (msg as NodeMessage & { error?: unknown }).error = errorProperty(error, node);
          done(error);
        });
    });

    shared.register(node.id);
    const unsubscribe = shared.jobList.subscribe(every, receive);

    node.on('close', (_removed: boolean, done: () => void) => {
      closing.abort();
      Promise.all([unsubscribe(), sampling.unsubscribe()])
        .then(() => shared.deregister(node.id))
        .catch((err: unknown) => node.error(toNodeError(err, redact)))
        .finally(done);
    });
  };
  RED.nodes.registerType('flink-job-metrics', function (this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    start(this, def as MetricsSettings);
  });
};
