import { malformed } from '../values';

/** What the autoscale node reads of one flink-job-metrics message. */
export interface BusySample {
  jobId: string;
  jobName: string;
  /** When the metrics round began (ms since the epoch), as the message says. */
  at: number;
  /** How long the job has been RUNNING since it last (re)started, when Flink reports it. */
  uptimeMs?: number;
  /** Each vertex's parallelism, in the message's order. */
  parallelisms: number[];
  /** The busiest subtask of the busiest vertex, of the vertices that report busy time; none reports it: absent. */
  busiest?: { vertex: string; busyMsPerSecond: number };
}

const JOB_ID = /^[0-9a-f]{32}$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);

/**
 * The busy numbers of a flink-job-metrics message (one job's round: `msg.payload = { jobId, jobName, at, vertices }`);
 * FLINK_INVALID_ARGUMENT naming the first property that is missing or malformed.
 */
export function busySample(payload: unknown): BusySample {
  if (!isRecord(payload)) throw malformed('msg.payload', 'a flink-job-metrics message\'s payload (one job per message, not one per series)', payload);
  const { jobId, jobName, at, uptimeMs, vertices } = payload;
  if (typeof jobId !== 'string' || !JOB_ID.test(jobId)) throw malformed('msg.payload.jobId', 'a Flink job id (32 lowercase hex characters)', jobId);
  if (typeof jobName !== 'string') throw malformed('msg.payload.jobName', 'a string', jobName);
  if (typeof at !== 'number' || !Number.isFinite(at)) throw malformed('msg.payload.at', 'a time in ms since the epoch', at);
  if (!Array.isArray(vertices) || vertices.length === 0) throw malformed('msg.payload.vertices', 'a non-empty array of vertices', vertices);
  if (uptimeMs !== undefined && (typeof uptimeMs !== 'number' || !Number.isFinite(uptimeMs) || uptimeMs < 0)) {
    throw malformed('msg.payload.uptimeMs', 'a number of ms from 0 (or absent)', uptimeMs);
  }
  const sample: BusySample = { jobId, jobName, at, parallelisms: [], ...(uptimeMs === undefined ? {} : { uptimeMs }) };
  vertices.forEach((vertex: unknown, index) => {
    const property = `msg.payload.vertices[${index}]`;
    if (!isRecord(vertex)) throw malformed(property, 'an object', vertex);
    if (typeof vertex.name !== 'string') throw malformed(`${property}.name`, 'a string', vertex.name);
    const { parallelism, busyTimeMsPerSecond: busy } = vertex;
    if (typeof parallelism !== 'number' || !Number.isInteger(parallelism) || parallelism < 1) throw malformed(`${property}.parallelism`, 'a whole number of at least 1', parallelism);
    sample.parallelisms.push(parallelism);
    if (busy === undefined) return; // Flink reports no busy time for this vertex
    if (!isRecord(busy)) throw malformed(`${property}.busyTimeMsPerSecond`, '{ max, avg } in ms per second', busy);
    if (typeof busy.max !== 'number' || !Number.isFinite(busy.max) || busy.max < 0) {
      throw malformed(`${property}.busyTimeMsPerSecond.max`, 'a number of ms per second from 0', busy.max);
    }
    if (sample.busiest === undefined || busy.max > sample.busiest.busyMsPerSecond) sample.busiest = { vertex: vertex.name, busyMsPerSecond: busy.max };
  });
  return sample;
}
