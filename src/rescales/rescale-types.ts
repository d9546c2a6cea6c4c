import type { z } from 'zod';
import type * as schemas from './rescale-schemas';

/** The adaptive scheduler's rescale settings of a job (Flink 2.3+); `rescaleHistoryMax` 0: the history is off. */
export type RescaleConfig = z.output<typeof schemas.rescaleConfig>;
/** One rescale of a job as Flink 2.3 records it (its fields as Flink names them). */
export type RescaleEntry = z.output<typeof schemas.rescaleEntry>;
/** The counts of a job's rescales and the latest completed, failed and ignored one. */
export type RescaleOverview = z.output<typeof schemas.rescaleOverview>;
/** The counts of a job's rescales and statistics of their durations. */
export type RescaleSummary = z.output<typeof schemas.rescaleSummary>;
