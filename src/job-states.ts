/**
 * Flink's job states, as plain arrays with no imports: the editor's browser bundle uses them too, and must stay free
 * of the client's dependencies.
 */
export const JOB_STATES = [
  'INITIALIZING', 'CREATED', 'RUNNING', 'FAILING', 'FAILED', 'CANCELLING', 'CANCELED', 'FINISHED',
  'RESTARTING', 'SUSPENDED', 'RECONCILING',
] as const;

/** A Flink job state. A state a newer Flink adds still comes through, as its plain string. */
export type JobStatus = (typeof JOB_STATES)[number];

/** The states a job does not leave. */
export const TERMINAL_JOB_STATES: readonly JobStatus[] = ['FAILED', 'CANCELED', 'FINISHED'];
