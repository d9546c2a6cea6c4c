import { z } from 'zod';
import type { JobStatus } from './job-states';

/*
 * The shapes of Flink's REST answers that this client reads. Objects are loose: newer Flink
 * versions add fields, and those must not break an older client.
 */

const jobState = z.string().min(1) as unknown as z.ZodType<JobStatus>;
export const hexId = z.string().regex(/^[0-9a-f]{32}$/, 'expected a 32-character hex id');
/** Flink writes -1 for "not yet" (end time of a running job). */
export const timestamp = z.number().transform((ms) => (ms < 0 ? null : ms));

export const errorBody = z.looseObject({ errors: z.array(z.string()) });

export const dashboardConfig = z.looseObject({
  'flink-version': z.string(),
  'flink-revision': z.string().optional(),
  features: z.looseObject({}).optional(),
});

export const clusterOverview = z.looseObject({
  taskmanagers: z.number(),
  'slots-total': z.number(),
  'slots-available': z.number(),
  'jobs-running': z.number(),
  'jobs-finished': z.number(),
  'jobs-cancelled': z.number(),
  'jobs-failed': z.number(),
  'flink-version': z.string().optional(),
  'flink-commit': z.string().optional(),
});

/** A job as the jobs overview, and an application's details (Flink 2.3+), list it. */
export const jobOverviewEntry = z.looseObject({
  jid: hexId,
  name: z.string(),
  state: jobState,
  'start-time': timestamp,
  'end-time': timestamp,
  duration: z.number(),
  'last-modification': z.number().optional(),
  /** The application that submitted the job (Flink 2.3+, where Flink reports it). */
  'application-id': hexId.nullish(),
  tasks: z.record(z.string(), z.number()).optional(),
});

export const jobsOverview = z.looseObject({ jobs: z.array(jobOverviewEntry) });

export const jobStatus = z.looseObject({ status: jobState });

export const jobDetails = z.looseObject({
  jid: hexId,
  name: z.string(),
  state: jobState,
  isStoppable: z.boolean().optional(),
  /** Flink 2.3+: the application that submitted the job. */
  'application-id': hexId.nullish(),
  'start-time': timestamp,
  'end-time': timestamp,
  duration: z.number(),
  maxParallelism: z.number().optional(),
  now: z.number().optional(),
  timestamps: z.record(z.string(), z.number()).optional(),
  vertices: z.array(z.looseObject({
    id: z.string(),
    name: z.string(),
    parallelism: z.number(),
    maxParallelism: z.number().optional(),
    status: z.string(),
    'start-time': timestamp,
    'end-time': timestamp,
    duration: z.number(),
    tasks: z.record(z.string(), z.number()).optional(),
  })),
  'status-counts': z.record(z.string(), z.number()).optional(),
});

export const triggerResponse = z.looseObject({ 'request-id': hexId });

const serializedThrowable = z.looseObject({
  class: z.string().optional(),
  'stack-trace': z.string().optional(),
});
export type SerializedThrowable = z.infer<typeof serializedThrowable>;

/** `{"status":{"id":"IN_PROGRESS"|"COMPLETED"},"operation":...}`: the envelope of every async result. */
export function asyncResult<T extends z.ZodType>(operation: T) {
  return z.looseObject({
    status: z.looseObject({ id: z.enum(['IN_PROGRESS', 'COMPLETED']) }),
    operation: operation.nullish(),
  });
}

export const savepointResult = asyncResult(z.looseObject({
  location: z.string().optional(),
  'failure-cause': serializedThrowable.optional(),
}));

export const checkpointResult = asyncResult(z.looseObject({
  checkpointId: z.number().optional(),
  failureCause: serializedThrowable.optional(),
}));

export const disposalResult = asyncResult(z.looseObject({
  'failure-cause': serializedThrowable.optional(),
}));

export const accumulators = z.looseObject({
  'job-accumulators': z.array(z.unknown()).optional(),
  'user-task-accumulators': z.array(z.looseObject({ name: z.string(), type: z.string(), value: z.string() })),
});

export const executionResult = z.looseObject({
  status: z.looseObject({ id: z.enum(['IN_PROGRESS', 'COMPLETED']) }),
  'job-execution-result': z.looseObject({
    id: hexId,
    'application-status': z.string(),
    'accumulator-results': z.record(z.string(), z.unknown()).optional(),
    'net-runtime': z.number(),
    'failure-cause': serializedThrowable.optional(),
    /** Flink 2.3+ (kebab-case on the wire; the spec writes `applicationId`). */
    'application-id': hexId.nullish(),
  }).optional(),
});

export const exceptionHistory = z.looseObject({
  exceptionHistory: z.looseObject({
    entries: z.array(z.looseObject({
      exceptionName: z.string().optional(),
      stacktrace: z.string().optional(),
      timestamp: z.number().optional(),
      taskName: z.string().nullish(),
      /** Flink 1.19+: labels the cluster's failure enrichers attached. */
      failureLabels: z.record(z.string(), z.string()).optional(),
    })),
    truncated: z.boolean().optional(),
  }),
});

const checkpointEntry = z.looseObject({
  id: z.number(),
  status: z.string(),
  is_savepoint: z.boolean().optional(),
  trigger_timestamp: z.number().optional(),
  latest_ack_timestamp: z.number().optional(),
  failure_timestamp: z.number().optional(),
  failure_message: z.string().nullish(),
});
export type CheckpointStatisticsEntry = z.infer<typeof checkpointEntry>;

/** `latest.restored`: null for a job that started without state. */
const restoredCheckpoint = z.looseObject({
  id: z.number(),
  restore_timestamp: z.number().optional(),
  is_savepoint: z.boolean().optional(),
  external_path: z.string().nullish(),
});
export type RestoredCheckpointStatistics = z.infer<typeof restoredCheckpoint>;

export const checkpointStatistics = z.looseObject({
  counts: z.looseObject({ completed: z.number().optional(), failed: z.number().optional(), in_progress: z.number().optional() }).optional(),
  summary: z.looseObject({}).optional(),
  latest: z.looseObject({ completed: checkpointEntry.nullish(), failed: checkpointEntry.nullish(), restored: restoredCheckpoint.nullish() }).optional(),
  history: z.array(checkpointEntry).optional(),
});

/** Flink writes Long.MAX_VALUE (which JSON.parse rounds up) as the interval of a job without periodic checkpoints. */
export const checkpointConfig = z.looseObject({
  interval: z.number(),
  timeout: z.number().optional(),
  tolerable_failed_checkpoints: z.number().optional(),
  externalization: z.looseObject({ enabled: z.boolean(), delete_on_cancellation: z.boolean() }).optional(),
});

/** `?get=a,b` answers a bare array (not the spec's `{metrics}`), each value a string; an unknown job gives `[]`. */
export const metricValues = z.array(z.looseObject({ id: z.string(), value: z.string().optional() }));

/**
 * Flink's `AggregatedMetric`: an aggregate is present only when it was asked for (and Flink has the metric).
 * A value that is not a number comes as a string: `"NaN"` while a subtask has not measured it yet.
 */
const aggregate = z.union([z.number(), z.string()]).nullish();
export const aggregatedMetrics = z.array(z.looseObject({
  id: z.string(), min: aggregate, max: aggregate, avg: aggregate, sum: aggregate, skew: aggregate,
}));

const backpressureLevel = z.enum(['ok', 'low', 'high']);

/** `status` is `deprecated` (and the level absent) until Flink has a measurement of the vertex. */
export const vertexBackpressure = z.looseObject({
  status: z.string(),
  backpressureLevel: backpressureLevel.optional(),
  'end-timestamp': z.number().optional(),
  subtasks: z.array(z.looseObject({ subtask: z.number(), backpressureLevel: backpressureLevel.optional(), ratio: z.number().optional() })).optional(),
});

export const jobManagerConfig = z.array(z.looseObject({ key: z.string(), value: z.string() }));

export const jarList = z.looseObject({
  address: z.string().optional(),
  files: z.array(z.looseObject({
    id: z.string(),
    name: z.string(),
    uploaded: z.number(),
    entry: z.array(z.looseObject({ name: z.string(), description: z.string().nullish() })).optional(),
  })),
});

export const jarUpload = z.looseObject({ filename: z.string(), status: z.string().optional() });
/** Flink 2.3 adds the application the run made (`applicationId`, camelCase on the wire). */
export const jarRun = z.looseObject({ jobid: hexId, applicationId: hexId.nullish() });

/** Per job vertex id: the bounds of its parallelism (what the adaptive scheduler aims for). */
export const resourceRequirements = z.record(hexId, z.looseObject({
  parallelism: z.looseObject({ lowerBound: z.number().int(), upperBound: z.number().int() }),
}));

/** Cancel, shutdown and the like answer `{}`; anything JSON will do. */
export const emptyObject = z.looseObject({});
