import type { NodeAPI, NodeMessage } from 'node-red';
import { clusterOf } from './lib/cluster/cluster-node';
import type { ClusterState } from './lib/cluster/cluster-state';
import { invalidArgument, toNodeError } from './lib/errors';
import { registerOperationNode, type FlowNodeSettings, type NodeTools } from './lib/flow/flow-node';
import { jobNameOf } from './lib/flow/job-name';
import { choiceInput, jobReference, timeoutSetting } from './lib/flow/message-input';
import type { OperationContext, OperationResult } from './lib/flow/operation-runner';
import { planRetention, type RetentionPolicy } from './lib/savepoints/retention';
import { markDisposalFailed, markDisposed, readDisposedLocations, readSavepoints, recordSavepoints, type SavepointRecord } from './lib/savepoints/savepoint-catalog';
import { liveRuns } from './lib/savepoints/savepoint-history';
import { adoptable, listSavepoints } from './lib/savepoints/savepoint-listing';
import { isGiven, malformed } from './lib/values';

interface SavepointsSettings extends FlowNodeSettings {
  /** list, retain or adopt. */
  action?: string;
  /** Retain: keep the last K (empty: no count rule). */
  keepLast?: number | string;
  /** Retain: keep those younger than this many days (empty: no age rule). */
  maxAgeDays?: number | string;
  /** Limit of each disposal, in seconds. */
  timeout?: number | string;
}

const ACTIONS = ['list', 'retain', 'adopt'] as const;
type Action = (typeof ACTIONS)[number];
const DAY_MS = 86_400_000;

/** msg.<name> when given, else the node's setting (empty: not set); a number `valid` accepts. */
function numberInput(msg: NodeMessage, name: string, setting: unknown, expected: string, valid: (n: number) => boolean): number | undefined {
  const given = isGiven(msg[name]);
  const value = given ? msg[name] : setting;
  if (!given && (value === undefined || value === null || String(value).trim() === '')) return undefined;
  const number = typeof value === 'number' || (typeof value === 'string' && value.trim() !== '') ? Number(value) : Number.NaN;
  if (!valid(number)) throw malformed(given ? `msg.${name}` : `The node's ${name}`, expected, value);
  return number;
}

function retentionPolicy(msg: NodeMessage, settings: SavepointsSettings, t: NodeTools['t']): RetentionPolicy {
  const keepLast = numberInput(msg, 'keepLast', settings.keepLast, 'a whole number from 1', (n) => Number.isInteger(n) && n >= 1);
  const maxAgeDays = numberInput(msg, 'maxAgeDays', settings.maxAgeDays, 'a number of days above 0', (n) => Number.isFinite(n) && n > 0);
  if (keepLast === undefined && maxAgeDays === undefined) throw invalidArgument(t('errors.noRule'));
  return { ...(keepLast === undefined ? {} : { keepLast }), ...(maxAgeDays === undefined ? {} : { maxAgeMs: maxAgeDays * DAY_MS }) };
}

interface Job { name: string; state: ClusterState }

type ActionRun = (job: Job, context: OperationContext, settings: SavepointsSettings, tools: NodeTools) => Promise<OperationResult>;

const ACTION_RUNS: Record<Action, ActionRun> = {
  async list({ name, state }, { client, signal }, _settings, { t }) {
    const [records, disposed, runs] = await Promise.all([readSavepoints(state, name), readDisposedLocations(state), liveRuns(client, name, signal)]);
    const savepoints = listSavepoints(records, runs, name, disposed);
    return { payload: { job: name, running: runs.map((run) => run.jobId), savepoints }, status: t('status.listed', { count: savepoints.length }) };
  },

  async adopt({ name, state }, { client, signal }, _settings, { t }) {
    const [records, disposed, runs] = await Promise.all([readSavepoints(state, name), readDisposedLocations(state), liveRuns(client, name, signal)]);
    const adopted = await recordSavepoints(state, adoptable(records, runs, name, disposed));
    return { payload: { job: name, adopted }, status: t('status.adopted', { count: adopted.length }) };
  },

  async retain({ name, state }, { client, signal, msg, onProgress }, settings, { t, RED }) {
    const policy = retentionPolicy(msg, settings, t);
    const timeoutMs = timeoutSetting(settings);
    const [records, runs] = await Promise.all([readSavepoints(state, name), liveRuns(client, name, signal)]);
    const restoredFrom = runs.flatMap((run) => (run.restoredFrom ? [run.restoredFrom] : []));
    const plan = planRetention(records, policy, { now: Date.now(), restoredFrom });
    const redact = clusterOf(RED, settings.cluster)?.redact ?? ((text: string) => text);
    const disposed: SavepointRecord[] = [];
    const failed: SavepointRecord[] = [];
    // Oldest first, one at a time: each record is forgotten only once Flink reports its files deleted.
    for (const record of [...plan.dispose].reverse()) {
      try {
        await client.disposeSavepoint(record.location, { signal, onProgress, ...(timeoutMs ? { timeoutMs } : {}) });
      } catch (err) {
        if (signal.aborted) throw err;
        const { code, message } = toNodeError(err, redact);
        failed.push(await markDisposalFailed(state, name, record.location, { code, message }, new Date()) ?? record);
        continue;
      }
      await markDisposed(state, record.location);
      disposed.push(record);
    }
    const kept = plan.keep.map(({ record, reasons }) => ({ ...record, keptBecause: reasons }));
    const counts = { kept: kept.length, disposed: disposed.length, failed: failed.length };
    return {
      payload: { job: name, kept, disposed, failed },
      status: failed.length > 0 ? t('status.retainedWithFailures', counts) : t('status.retained', counts),
      warning: failed.length > 0,
    };
  },
};

/**
 * flink-savepoints: the savepoint catalog of a job name. list: the records merged with Flink's history; retain: keep
 * what the rules say, dispose of the rest; adopt: record the savepoints Flink's history shows and the catalog lacks.
 */
export = function (RED: NodeAPI): void {
  registerOperationNode<SavepointsSettings>(RED, 'flink-savepoints', {
    activity: 'activity.catalog',
    started(cluster, { node, t }) {
      try {
        if (!cluster.state().persistent) node.status({ fill: 'yellow', shape: 'ring', text: t('status.memoryOnly') });
      } catch {
        // An unknown store fails each message with its reason; the status need not repeat it.
      }
    },
    async run(context, settings, tools) {
      const { RED: red, node, t } = tools;
      const action = choiceInput(context.msg, 'action', settings.action, ACTIONS) ?? 'list';
      const cluster = clusterOf(red, settings.cluster);
      if (!cluster) throw invalidArgument(t('errors.noCluster'));
      const state = cluster.state();
      const name = await jobNameOf(context.client, await jobReference(red, node, settings, context.msg, context.signal, t), context.signal);
      const result = await ACTION_RUNS[action]({ name, state }, context, settings, tools);
      if (state.persistent) return result;
      return { ...result, status: t('status.inMemory', { status: result.status }), warning: true };
    },
  });
};
