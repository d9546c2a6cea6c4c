import { z } from 'zod';
import { hexId } from '../schemas';

/*
 * zod shapes of Flink 2.3's rescale history answers (FLIP-495, `/jobs/:jobid/rescales/...`), as a 2.3.0 cluster with
 * `web.adaptive-scheduler.rescale-history.size` > 0 gave them. Loose objects: Flink adds fields between versions
 * (2.3.0 sends `sufficientParallelism` per vertex, which its spec does not list).
 */

const millis = z.number().int();

export const rescaleConfig = z.looseObject({
  /** How many rescales Flink keeps per job: 0 (the default) turns the history off. */
  rescaleHistoryMax: z.number().int(),
  schedulerExecutionMode: z.string().nullish(),
  submissionResourceWaitTimeoutInMillis: millis.nullish(),
  submissionResourceStabilizationTimeoutInMillis: millis.nullish(),
  slotIdleTimeoutInMillis: millis.nullish(),
  executingCooldownTimeoutInMillis: millis.nullish(),
  executingResourceStabilizationTimeoutInMillis: millis.nullish(),
  maximumDelayForTriggeringRescaleInMillis: millis.nullish(),
  rescaleOnFailedCheckpointCount: z.number().int().nullish(),
});

const vertexRescale = z.looseObject({
  jobVertexId: hexId,
  jobVertexName: z.string().nullish(),
  slotSharingGroupId: z.string().nullish(),
  slotSharingGroupName: z.string().nullish(),
  desiredParallelism: z.number().int().nullish(),
  sufficientParallelism: z.number().int().nullish(),
  preRescaleParallelism: z.number().int().nullish(),
  postRescaleParallelism: z.number().int().nullish(),
});

const slotSharingGroupRescale = z.looseObject({
  slotSharingGroupId: z.string(),
  slotSharingGroupName: z.string().nullish(),
  desiredSlots: z.number().int().nullish(),
  minimalRequiredSlots: z.number().int().nullish(),
  preRescaleSlots: z.number().int().nullish(),
  postRescaleSlots: z.number().int().nullish(),
});

const schedulerStateSpan = z.looseObject({
  state: z.string(),
  enterTimestampInMillis: millis.nullish(),
  leaveTimestampInMillis: millis.nullish(),
  durationInMillis: millis.nullish(),
  stringifiedException: z.string().nullish(),
});

/**
 * One rescale. The history lists them newest first with `vertices`, `slots` and `schedulerStates` left empty; the
 * details of one (by `rescaleUuid`) fill them in. `terminalState` and `endTimestampInMillis` are absent or null while
 * the rescale runs.
 */
export const rescaleEntry = z.looseObject({
  rescaleUuid: hexId,
  resourceRequirementsUuid: z.string().nullish(),
  rescaleAttemptId: z.number().int(),
  /** INITIAL_SCHEDULE, UPDATE_REQUIREMENT (a PUT of the resource requirements), NEW_RESOURCE_AVAILABLE, ... */
  triggerCause: z.string().nullish(),
  /** COMPLETED, FAILED, IGNORED; absent while in progress. */
  terminalState: z.string().nullish(),
  terminatedReason: z.string().nullish(),
  startTimestampInMillis: millis,
  endTimestampInMillis: millis.nullish(),
  vertices: z.record(z.string(), vertexRescale).default({}),
  slots: z.record(z.string(), slotSharingGroupRescale).default({}),
  schedulerStates: z.array(schedulerStateSpan).default([]),
});

export const rescaleHistory = z.array(rescaleEntry);

const rescalesCounts = z.looseObject({
  completed: z.number().int(),
  failed: z.number().int(),
  ignored: z.number().int(),
  inProgress: z.number().int(),
});

export const rescaleOverview = z.looseObject({
  rescalesCounts,
  latest: z.looseObject({
    completed: rescaleEntry.nullish(),
    failed: rescaleEntry.nullish(),
    ignored: rescaleEntry.nullish(),
  }),
});

/** Percentiles of no rescale at all are the string "NaN". */
const statistic = z.union([z.number(), z.string()]);
const durationStats = z.looseObject({ min: statistic, max: statistic, avg: statistic, p50: statistic, p90: statistic, p95: statistic, p99: statistic, p999: statistic });

export const rescaleSummary = z.looseObject({
  rescalesCounts,
  rescalesDurationStatsInMillis: durationStats,
  completedRescalesDurationStatsInMillis: durationStats,
  failedRescalesDurationStatsInMillis: durationStats,
  ignoredRescalesDurationStatsInMillis: durationStats,
});
