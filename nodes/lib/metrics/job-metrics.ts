import type { AggregatedMetric } from '../../../src';

/** A time-per-second metric over a vertex's subtasks: the busiest subtask and their average. */
export interface PerSecondShare {
  max: number;
  avg: number;
}

/** One vertex's numbers in a metrics message; a metric Flink does not report is absent, never 0. */
export interface VertexMetrics {
  id: string;
  name: string;
  parallelism: number;
  /** Summed over the subtasks. */
  recordsInPerSecond?: number;
  recordsOutPerSecond?: number;
  busyTimeMsPerSecond?: PerSecondShare;
  backPressuredTimeMsPerSecond?: PerSecondShare;
  idleTimeMsPerSecond?: PerSecondShare;
  /** How far behind the wall clock the vertex's input watermark is (its slowest subtask), or a source's own `watermarkLag`. */
  watermarkLagMs?: number;
  /** FLIP-33 `pendingRecords` of the vertex's source, summed over its subtasks. */
  pendingRecords?: number;
}

/** One job's numbers in a metrics message. */
export interface JobMetrics {
  jobId: string;
  jobName: string;
  /** When the round began (ms since the epoch). */
  at: number;
  uptimeMs?: number;
  numRestarts?: number;
  lastCheckpoint?: { durationMs?: number; sizeBytes?: number; at?: number };
  vertices: VertexMetrics[];
}

/** The task metrics each round asks of a vertex (those the vertex lists), all aggregated in one request. */
export const VERTEX_METRICS = ['numRecordsInPerSecond', 'numRecordsOutPerSecond', 'busyTimeMsPerSecond',
  'backPressuredTimeMsPerSecond', 'idleTimeMsPerSecond', 'currentInputWatermark'] as const;
/** Operator metrics (FLIP-33) a source reports under its operator's name: `<operator>.pendingRecords`. */
const OPERATOR_METRIC = /\.(pendingRecords|watermarkLag)$/;

/** The job metrics each round asks (one request); Flink reports -1 for a checkpoint value before the first one. */
export const JOB_METRICS = ['uptime', 'numRestarts', 'lastCheckpointDuration', 'lastCheckpointSize', 'lastCheckpointCompletedTimestamp'] as const;

/** Of the ids a vertex lists, those a round asks for. */
export function wantedVertexMetrics(listed: readonly string[]): string[] {
  const known = new Set<string>(VERTEX_METRICS);
  return listed.filter((id) => known.has(id) || OPERATOR_METRIC.test(id)).sort();
}

const finite = (value: number | undefined): number | undefined => (value !== undefined && Number.isFinite(value) ? value : undefined);

function share(metric: AggregatedMetric | undefined): PerSecondShare | undefined {
  const max = finite(metric?.max);
  const avg = finite(metric?.avg);
  return max === undefined || avg === undefined ? undefined : { max, avg };
}

/** No watermark yet: Flink reports Long.MIN_VALUE. */
const NO_WATERMARK = -(2 ** 62);

/** A vertex's numbers from the aggregates Flink answered (`sum`, `min`, `max`, `avg` of each metric). */
export function vertexMetrics(vertex: { id: string; name: string; parallelism: number }, values: Record<string, AggregatedMetric>, at: number): VertexMetrics {
  const result: VertexMetrics = { id: vertex.id, name: vertex.name, parallelism: vertex.parallelism };
  const set = <K extends keyof VertexMetrics>(key: K, value: VertexMetrics[K] | undefined): void => {
    if (value !== undefined) result[key] = value;
  };
  set('recordsInPerSecond', finite(values.numRecordsInPerSecond?.sum));
  set('recordsOutPerSecond', finite(values.numRecordsOutPerSecond?.sum));
  set('busyTimeMsPerSecond', share(values.busyTimeMsPerSecond));
  set('backPressuredTimeMsPerSecond', share(values.backPressuredTimeMsPerSecond));
  set('idleTimeMsPerSecond', share(values.idleTimeMsPerSecond));
  const operator = (name: string): AggregatedMetric[] => Object.entries(values).filter(([id]) => id.endsWith(`.${name}`)).map(([, value]) => value);
  const slowestWatermark = finite(values.currentInputWatermark?.min);
  const sourceLags = operator('watermarkLag').map((value) => finite(value.max)).filter((lag): lag is number => lag !== undefined && lag >= 0);
  if (slowestWatermark !== undefined && slowestWatermark > NO_WATERMARK) set('watermarkLagMs', Math.max(0, at - slowestWatermark));
  else if (sourceLags.length > 0) set('watermarkLagMs', Math.max(...sourceLags));
  const pending = operator('pendingRecords').map((value) => finite(value.sum)).filter((sum): sum is number => sum !== undefined && sum >= 0);
  if (pending.length > 0) set('pendingRecords', pending.reduce((a, b) => a + b, 0));
  return result;
}

/** The job-level part of a message from its job metrics (values as Flink renders them: strings). */
export function jobLevelMetrics(values: Record<string, string>): Pick<JobMetrics, 'uptimeMs' | 'numRestarts' | 'lastCheckpoint'> {
  const number = (id: string, minimum = 0): number | undefined => {
    const value = values[id] === undefined ? Number.NaN : Number(values[id]);
    return Number.isFinite(value) && value >= minimum ? value : undefined;
  };
  const result: Pick<JobMetrics, 'uptimeMs' | 'numRestarts' | 'lastCheckpoint'> = {};
  const uptimeMs = number('uptime');
  const numRestarts = number('numRestarts');
  if (uptimeMs !== undefined) result.uptimeMs = uptimeMs;
  if (numRestarts !== undefined) result.numRestarts = numRestarts;
  // -1 until the first checkpoint completes: then there is no last checkpoint.
  const durationMs = number('lastCheckpointDuration');
  const sizeBytes = number('lastCheckpointSize');
  const at = number('lastCheckpointCompletedTimestamp', 1);
  if (durationMs !== undefined || sizeBytes !== undefined || at !== undefined) {
    result.lastCheckpoint = {
      ...(durationMs === undefined ? {} : { durationMs }), ...(sizeBytes === undefined ? {} : { sizeBytes }), ...(at === undefined ? {} : { at }),
    };
  }
  return result;
}

/** A number of a message, as one series for Dashboard 2.0's ui-chart. */
export interface SeriesPoint {
  series: string;
  value: number;
}

/** Every number of a job's message as a series named `<job>/<metric>` or `<job>/<vertex>/<metric>[.max|.avg]`. */
export function seriesOf(metrics: JobMetrics): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  const add = (series: string, value: number | undefined): void => {
    if (value !== undefined) points.push({ series, value });
  };
  const job = metrics.jobName;
  add(`${job}/uptimeMs`, metrics.uptimeMs);
  add(`${job}/numRestarts`, metrics.numRestarts);
  add(`${job}/lastCheckpoint.durationMs`, metrics.lastCheckpoint?.durationMs);
  add(`${job}/lastCheckpoint.sizeBytes`, metrics.lastCheckpoint?.sizeBytes);
  for (const vertex of metrics.vertices) {
    const prefix = `${job}/${vertex.name}`;
    add(`${prefix}/recordsInPerSecond`, vertex.recordsInPerSecond);
    add(`${prefix}/recordsOutPerSecond`, vertex.recordsOutPerSecond);
    for (const key of ['busyTimeMsPerSecond', 'backPressuredTimeMsPerSecond', 'idleTimeMsPerSecond'] as const) {
      add(`${prefix}/${key}.max`, vertex[key]?.max);
      add(`${prefix}/${key}.avg`, vertex[key]?.avg);
    }
    add(`${prefix}/watermarkLagMs`, vertex.watermarkLagMs);
    add(`${prefix}/pendingRecords`, vertex.pendingRecords);
  }
  return points;
}
