import { errorProperty, invalidArgument, toNodeError } from './lib/errors';
import { clusterOf } from './lib/cluster/cluster-node';
import { JobStateTracker, type JobChange } from './lib/jobs/job-changes';
import type { JobListing } from './lib/jobs/job-list-poller';
import { nameMatcher, stateList, type NameMatch } from './lib/jobs/job-filters';
import { summarizeJob } from './lib/jobs/job-summary';
import { runtimeMessages } from './lib/messages';
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { settingSecondsToMs } from './lib/values';

interface WatchSettings extends NodeDef {
  cluster?: string;
  /** Seconds between two listings of the cluster's jobs. */
  interval?: number | string;
  nameFilter?: string;
  nameMatch?: NameMatch;
  /** Report only changes into these states (none: every change). */
  states?: string[] | string;
  /** Also report the jobs found by the first listing after a deploy. */
  emitInitial?: boolean;
  errorOutput?: boolean;
}

const DEFAULT_INTERVAL_MS = 5000;
const MIN_INTERVAL_S = 0.1;

function changeMessage({ job, previousState }: JobChange): NodeMessage {
  return { topic: job.name, jobId: job.jobId, payload: { ...job, previousState } };
}

/**
 * flink-job-watch: sends a message for each job whose state changed between two listings of the cluster's jobs.
 * The listings come from the cluster's one job-list poller, shared with the other watch nodes of the cluster: at
 * least every interval (more often when another node asks for a shorter one). A failing cluster is reported once
 * per outage, not once per listing.
 */
export = function (RED: NodeAPI): void {
  const t = runtimeMessages(RED, 'flink-job-watch');
  const start = (node: Node, settings: WatchSettings): void => {
    const cluster = clusterOf(RED, settings.cluster);
    const redact = cluster?.redact ?? ((text: string) => text);
    const tracker = new JobStateTracker();
    const sendChange = (msg: NodeMessage): void => node.send(settings.errorOutput ? [msg, null] : msg);
    let failing = false;
    let lastChange = '';

    const report = (err: unknown): void => {
      const error = toNodeError(err, redact);
      node.status({ fill: 'red', shape: 'ring', text: error.code });
      if (failing) return; // once per outage
      failing = true;
      if (settings.errorOutput) node.send([null, { topic: 'flink-job-watch', error: errorProperty(error, node) }]);
      else node.error(error, { topic: 'flink-job-watch', payload: null });
    };

    if (!cluster) {
      report(invalidArgument(t('errors.noCluster')));
      return;
    }
    const { shared } = cluster;
    let every: number;
    let targets: string[];
    try {
      every = settingSecondsToMs('The node\'s Interval', settings.interval, MIN_INTERVAL_S) ?? DEFAULT_INTERVAL_MS;
      targets = stateList(settings.states);
    } catch (err) {
      report(err); // a setting that cannot work: no polling at all
      return;
    }

    const receive = (listing: JobListing): void => {
      try {
        if (listing.jobs === undefined) throw listing.error;
        const matches = nameMatcher(settings.nameFilter, settings.nameMatch, t);
        const jobs = listing.jobs.filter((job) => matches(job.jobName)).map(summarizeJob);
        const changes = tracker.update(jobs, settings.emitInitial === true)
          .filter((change) => targets.length === 0 || targets.includes(change.job.state));
        for (const change of changes) sendChange(changeMessage(change));
        const last = changes[changes.length - 1];
        if (last) lastChange = `${last.job.state}: ${last.job.name}`;
        failing = false;
        node.status({ fill: 'green', shape: 'dot', text: [t('status.jobs', { count: jobs.length }), lastChange].filter(Boolean).join(' · ') });
      } catch (err) {
        report(err);
      }
    };

    shared.register(node.id);
    const unsubscribe = shared.jobList.subscribe(every, receive);

    node.on('close', (_removed: boolean, done: () => void) => {
      unsubscribe()
        .then(() => shared.deregister(node.id))
        .catch((err: unknown) => node.error(toNodeError(err, redact)))
        .finally(done);
    });
  };
  RED.nodes.registerType('flink-job-watch', function (this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    start(this, def as WatchSettings);
  });
};
