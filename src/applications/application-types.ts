import type { JobStatusMessage, JarProgramOptions } from '../types';
import type { JobStatus } from '../job-states';

/** The states of a Flink application (Flink 2.3+, `ApplicationState`). */
export const APPLICATION_STATES = ['CREATED', 'RUNNING', 'FAILING', 'FAILED', 'CANCELING', 'CANCELED', 'FINISHED'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATES)[number];
/** An application in one of these states has ended for good. */
export const TERMINAL_APPLICATION_STATES: readonly ApplicationStatus[] = ['FAILED', 'CANCELED', 'FINISHED'];

/** One application as `listApplications` gives it: one run of a jar's `main()`. */
export interface ApplicationOverview {
  applicationId: string;
  /** Flink names an application after the class whose `main()` it runs. */
  name: string;
  status: ApplicationStatus;
  startTime: number | null;
  /** `null` while the application runs. */
  endTime: number | null;
  durationMs: number;
  /** How many of its jobs are in each state, e.g. `{ RUNNING: 2 }`. */
  jobCounts: Partial<Record<JobStatus, number>>;
}

/** An application with its jobs, as `getApplication` gives it. */
export interface ApplicationDetails extends Omit<ApplicationOverview, 'jobCounts'> {
  /** When each state was entered, by state name (ms since the epoch; states never entered left out). */
  timestamps: Partial<Record<ApplicationStatus, number>>;
  /** The jobs its `main()` submitted so far. */
  jobs: JobStatusMessage[];
}

/** One failure in an application's exception history: of one of its jobs, or of its `main()` (no job id). */
export interface ApplicationException {
  /** The Java class Flink recorded, often a wrapper such as `ApplicationExecutionException`. */
  exceptionName: string;
  /** The recorded exception's own message. */
  message: string;
  /** What went wrong: the last "Caused by:" of the stack trace, its class and message. */
  rootCause: { class?: string; message: string };
  /** The root cause's first stack frames ("at ..." lines), at most five. */
  frames: string[];
  /** The whole stack trace, as Flink recorded it. */
  stackTrace: string;
  /** When it happened (ms since the epoch), if Flink says. */
  timestamp: number | null;
  /** The job that failed; absent for a failure of `main()` itself. */
  jobId?: string;
}

export interface RunJarApplicationOptions extends JarProgramOptions {
  /**
   * The new application's id (32 hex characters). Left out, the client makes one, so that a retried submission
   * is recognised by Flink instead of starting the application twice.
   */
  applicationId?: string;
}
