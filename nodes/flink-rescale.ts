import { isDeepStrictEqual } from 'node:util';
import { isFlinkError, type FlinkClusterClient, type JobDetails, type JobResourceRequirements, type Progress } from '../src';
import { FlinkNodeError, invalidArgument } from './lib/errors';
import { registerOperationNode, type FlowNodeSettings } from './lib/flow/flow-node';
import { timeoutSetting } from './lib/flow/message-input';
import type { Messages } from './lib/messages';
import type { NodeAPI, NodeMessage } from 'node-red';
import { checkParallelism } from './lib/deploy/run-settings';
import { isGiven, malformed, settingString } from './lib/values';
import { rescaleEntry, rescalesBefore } from './lib/rescale/rescale-history';

interface RescaleSettings extends FlowNodeSettings {
  /** The whole job's new parallelism; empty: msg.parallelism must say. */
  parallelism?: string | number;
  timeout?: number | string;
}

/** The new parallelism: one for every vertex, or one per vertex (by id or name). */
type Target = number | Record<string, number>;

const VERTEX_ID = /^[0-9a-f]{32}$/;

function targetInput(settings: RescaleSettings, msg: NodeMessage, t: Messages): Target {
  const value: unknown = msg.parallelism;
  if (!isGiven(value)) {
    const configured = settingString(String(settings.parallelism ?? ''));
    if (configured === undefined) throw invalidArgument(t('errors.noParallelism'));
    return checkParallelism('The node\'s parallelism', configured);
  }
  if (typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) return checkParallelism('msg.parallelism', value);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) throw malformed('msg.parallelism', 'a number, or { <vertex id or name>: number }', value);
  return Object.fromEntries(entries.map(([vertex, parallelism]) => [vertex, checkParallelism(`msg.parallelism["${vertex}"]`, parallelism)]));
}

/** The target as a parallelism per vertex id, each vertex named by its id or its (unique) name. */
function perVertex(target: Target, details: JobDetails, t: Messages): Record<string, number> {
  if (typeof target === 'number') return Object.fromEntries(details.vertices.map((vertex) => [vertex.id, target]));
  const wanted: Record<string, number> = {};
  for (const [key, parallelism] of Object.entries(target)) {
    const byId = VERTEX_ID.test(key) ? details.vertices.filter((vertex) => vertex.id === key) : [];
    const matches = byId.length > 0 ? byId : details.vertices.filter((vertex) => vertex.name === key);
    if (matches.length === 0) {
      throw invalidArgument(t('errors.unknownVertex', { vertex: key, vertices: details.vertices.map((vertex) => `"${vertex.name}" (${vertex.id})`).join(', ') }));
    }
    if (matches.length > 1) throw invalidArgument(t('errors.ambiguousVertex', { vertex: key, ids: matches.map((vertex) => vertex.id).join(', ') }));
    const id = matches[0]!.id;
    if (id in wanted) throw invalidArgument(t('errors.vertexTwice', { vertex: key, id }));
    wanted[id] = parallelism;
  }
  return wanted;
}

/**
 * Flink's resource requirements with the wanted vertices' upper bounds at their new parallelism. A lower bound
 * is lowered to it when needed, never raised: with too few free slots the job then keeps running at what it
 * gets (and the wait reports it), rather than restarting to wait for slots that may never come.
 */
function rescaled(current: JobResourceRequirements, wanted: Record<string, number>): JobResourceRequirements {
  return Object.fromEntries(Object.entries(current).map(([id, { parallelism }]) => {
    const target = wanted[id];
    return [id, { parallelism: target === undefined ? parallelism : { lowerBound: Math.min(parallelism.lowerBound, target), upperBound: target } }];
  }));
}

/** FLINK_UNSUPPORTED from a scheduler that cannot rescale in place, said as what to do instead. */
function refusal(err: unknown, jobId: string, t: Messages): unknown {
  if (!isFlinkError(err, 'FLINK_UNSUPPORTED') || !/does not support changing the parallelism/.test(err.details ?? '')) return err;
  return new FlinkNodeError('FLINK_UNSUPPORTED', t('errors.cannotRescale', { jobId }), { jobId, details: err.details, status: err.status });
}

async function waitRescaled(client: FlinkClusterClient, jobId: string, wanted: Record<string, number>,
  options: { signal: AbortSignal; timeoutMs: number; onProgress: (progress: Progress) => void }, t: Messages): Promise<JobDetails> {
  try {
    return await client.waitUntilRunning(jobId, { ...options, parallelism: wanted });
  } catch (err) {
    if (!isFlinkError(err, 'FLINK_TIMEOUT')) throw err;
    const now = await client.getJobDetails(jobId, { signal: options.signal }).catch(() => undefined);
    const running = now ? now.vertices.map((vertex) => `"${vertex.name}" ${vertex.status} at ${vertex.parallelism}`).join(', ') : 'unknown';
    throw new FlinkNodeError('FLINK_TIMEOUT', t('errors.notRescaled', { jobId, seconds: Math.round(options.timeoutMs / 1000), running }), { jobId });
  }
}

/** How long the node waits for the vertices to run at the new parallelism when its Timeout is empty. */
const DEFAULT_WAIT_MS = 300_000;

/**
 * flink-rescale: msg.payload = { jobId, vertices: [{ id, name, parallelism }] } once they run at the new parallelism,
 * with `rescale`, Flink's record of this rescale, where the cluster keeps a rescale history (Flink 2.3+).
 */
export = function (RED: NodeAPI): void {
  registerOperationNode<RescaleSettings>(RED, 'flink-rescale', {
    activity: 'activity.rescale',
    async run({ client, signal, msg, resolveJobId, onProgress }, settings, { t }) {
      const target = targetInput(settings, msg, t);
      const timeoutMs = timeoutSetting(settings) ?? DEFAULT_WAIT_MS;
      const jobId = await resolveJobId();
      let current: JobResourceRequirements;
      try {
        current = await client.getResourceRequirements(jobId, { signal });
      } catch (err) {
        throw refusal(err, jobId, t);
      }
      const wanted = perVertex(target, await client.getJobDetails(jobId, { signal }), t);
      const requirements = rescaled(current, wanted);
      // Flink 2.3 records each rescale when its history is on: what it had before tells the one this request starts.
      const recorded = isDeepStrictEqual(requirements, current) ? undefined : await rescalesBefore(client, jobId, signal);
      try {
        await client.setResourceRequirements(jobId, requirements, { signal });
      } catch (err) {
        throw refusal(err, jobId, t);
      }
      const details = await waitRescaled(client, jobId, wanted, { signal, timeoutMs, onProgress }, t);
      const vertices = details.vertices.map(({ id, name, parallelism }) => ({ id, name, parallelism }));
      const shown = [...new Set(vertices.map((vertex) => vertex.parallelism))].join('/');
      const rescale = recorded ? await rescaleEntry(client, jobId, recorded, wanted, signal) : undefined;
      return { payload: { jobId, vertices, ...(rescale ? { rescale } : {}) }, status: t('status.rescaled', { parallelism: shown }) };
    },
  });
};
