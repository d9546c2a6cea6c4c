import { FlinkError, isFlinkError, withFields } from '../errors';
import { failureOf, rootCauseFrames } from '../failures';
import { checkApplicationId, checkJarId, newApplicationId } from '../ids';
import { jarProgramBody, submitUnderOwnId } from '../jar-run';
import { jobStatusMessageOf } from '../job-listing';
import type { OperationState } from '../operation';
import { pollUntilDone } from '../poll';
import type { FlinkRestApi } from '../rest-api';
import type { CallOptions, OperationOptions } from '../types';
import { TERMINAL_JOB_STATES } from '../job-states';
import { type FlinkVersion, requireFeature, SINCE } from '../version';
import { applicationEndpoints as endpoints } from './application-endpoints';
import type { applicationDetails, applicationExceptions } from './application-schemas';
import {
  TERMINAL_APPLICATION_STATES, type ApplicationDetails, type ApplicationException, type ApplicationOverview, type RunJarApplicationOptions,
} from './application-types';
import type { z } from 'zod';

/**
 * How long the same jobs must all run before an application counts as running. Flink does not say when
 * `main()` has returned, so a main() that is still building its next job looks just like one that is done.
 */
export const APPLICATION_SETTLE_MS = 1500;

/** Runs work under one deadline, as the cluster client runs its long operations. */
export type RunOperation = <T>(what: string, options: OperationOptions, work: (signal: AbortSignal, state: OperationState) => Promise<T>) => Promise<T>;

/**
 * Flink 2.3's applications (FLIP-549 / FLIP-560): one run of a jar's `main()` with the jobs it submits. Every
 * call needs Flink 2.3 or newer; on an older cluster it is FLINK_UNSUPPORTED, with nothing sent but the
 * version's question. `FlinkClusterClient` delegates to it.
 */
export class ApplicationOperations {
  constructor(private readonly api: FlinkRestApi, private readonly runOperation: RunOperation) {}

  async list(options: CallOptions = {}): Promise<ApplicationOverview[]> {
    const { applications } = await this.api.call(endpoints.applicationsOverview, {}, options);
    return applications.map((application) => ({
      applicationId: application.id, name: application.name, status: application.status,
      startTime: application['start-time'], endTime: application['end-time'], durationMs: application.duration,
      jobCounts: application.jobs,
    }));
  }

  async get(applicationId: string, options: CallOptions = {}): Promise<ApplicationDetails> {
    const applicationid = checkApplicationId(applicationId);
    return applicationDetailsOf(await this.api.call(endpoints.applicationDetails, { params: { applicationid } }, options));
  }

  /** The failures of the application's jobs and of its `main()`, oldest first, as Flink's exception history keeps them. */
  async exceptions(applicationId: string, options: CallOptions = {}): Promise<ApplicationException[]> {
    const applicationid = checkApplicationId(applicationId);
    const { exceptionHistory } = await this.api.call(endpoints.applicationExceptions, { params: { applicationid } }, options);
    return exceptionHistory.entries.map(applicationExceptionOf);
  }

  /**
   * Asks Flink to cancel the application and its jobs; they are CANCELED soon after, not yet when this returns.
   * An application that already ended is FLINK_CONFLICT naming its state.
   */
  async cancel(applicationId: string, options: CallOptions = {}): Promise<void> {
    const applicationid = checkApplicationId(applicationId);
    try {
      // A retry whose earlier attempt cancelled it finds it ended, which Flink answers as an application it does not have.
      await this.api.call(endpoints.cancelApplication, {
        params: { applicationid }, resolveReplay: (err) => (isFlinkError(err, 'FLINK_APPLICATION_NOT_FOUND') ? {} : undefined),
      }, options);
    } catch (err) {
      if (!isFlinkError(err, 'FLINK_APPLICATION_NOT_FOUND')) throw err;
      const ended = await this.get(applicationid, options).catch(() => undefined);
      if (!ended) throw err;
      throw withFields(err, { code: 'FLINK_CONFLICT', message: `Application ${applicationid} already ended ${ended.status}: there is nothing to cancel` });
    }
  }

  /**
   * Runs an uploaded jar's `main()` as an application under an id of the client's own (or the caller's), so
   * that a retried submission whose answer was lost starts nothing new; returns the application's id.
   */
  async run(jarId: string, options: RunJarApplicationOptions = {}): Promise<string> {
    checkJarId(jarId);
    const requestedId = options.applicationId === undefined ? undefined : checkApplicationId(options.applicationId);
    // Refused before the id is made: an error that carries one says the run may have reached Flink.
    const version = await this.requireApplications(endpoints.jarRunApplication, options);
    const applicationId = requestedId ?? newApplicationId();
    const body = { applicationId, ...jarProgramBody(options, version) };
    const { applicationid } = await submitUnderOwnId({ kind: 'application', id: applicationId }, { applicationid: applicationId },
      (resolveReplay) => this.api.call(endpoints.jarRunApplication, { params: { jarid: jarId }, body, resolveReplay }, options));
    return applicationid;
  }

  /**
   * Waits until the application runs and every job its `main()` submitted is RUNNING: the same jobs for
   * APPLICATION_SETTLE_MS, as `main()` may still be submitting. An application that ends first is
   * FLINK_OPERATION_FAILED with the root cause of its first recorded exception. Returns its details.
   */
  async waitUntilRunning(applicationId: string, options: OperationOptions = {}): Promise<ApplicationDetails> {
    const id = checkApplicationId(applicationId);
    await this.requireApplications(endpoints.applicationDetails, options);
    return this.runOperation(`wait for application ${id} to run`, options, (signal, state) => {
      Object.assign(state, { sent: true, applicationId: id });
      let runningSince: { jobs: string; at: number } | undefined;
      return pollUntilDone({
        operation: 'wait for application running',
        check: async (checkOptions) => {
          const details = await this.get(id, checkOptions);
          if (TERMINAL_APPLICATION_STATES.includes(details.status)) throw await this.endedEarly(details, checkOptions);
          const running = details.status === 'RUNNING' && details.jobs.length > 0 && details.jobs.every((job) => job.state === 'RUNNING');
          const jobs = running ? details.jobs.map((job) => job.jobId).sort().join() : undefined;
          if (jobs === undefined) {
            runningSince = undefined;
            return undefined;
          }
          if (runningSince?.jobs !== jobs) runningSince = { jobs, at: Date.now() };
          return Date.now() - runningSince.at >= APPLICATION_SETTLE_MS ? details : undefined;
        },
      }, signal, options.onProgress, state);
    });
  }

  /** Waits until the application has ended (FAILED, CANCELED or FINISHED) and its jobs with it; returns its details. */
  async waitUntilEnded(applicationId: string, options: OperationOptions = {}): Promise<ApplicationDetails> {
    const id = checkApplicationId(applicationId);
    await this.requireApplications(endpoints.applicationDetails, options);
    return this.runOperation(`wait for application ${id} to end`, options, (signal, state) => {
      Object.assign(state, { sent: true, applicationId: id });
      return pollUntilDone({
        operation: 'wait for application end',
        check: async (checkOptions) => {
          const details = await this.get(id, checkOptions);
          const ended = TERMINAL_APPLICATION_STATES.includes(details.status) && details.jobs.every((job) => TERMINAL_JOB_STATES.includes(job.state));
          return ended ? details : undefined;
        },
      }, signal, options.onProgress, state);
    });
  }

  /** The cluster's version; an older Flink is refused naming the endpoint, as each call of an application endpoint is. */
  private async requireApplications({ method, path }: { method: string; path: string }, options: CallOptions): Promise<FlinkVersion> {
    const version = await this.api.version(options);
    requireFeature(version, SINCE.applications, `${method} ${path}`);
    return version;
  }

  /** The error for an application that ended while it was awaited running, with its first recorded exception, if any. */
  private async endedEarly(details: ApplicationDetails, options: CallOptions): Promise<FlinkError> {
    const first = (await this.exceptions(details.applicationId, options).catch(() => []))[0];
    const cause = first ? `: ${first.rootCause.class ? `${first.rootCause.class}: ` : ''}${first.rootCause.message}` : '';
    return new FlinkError({
      code: 'FLINK_OPERATION_FAILED', applicationId: details.applicationId,
      message: `Application ${details.applicationId} ended ${details.status} before its jobs were RUNNING${cause}`,
      ...(first?.rootCause.class ? { failureClass: first.rootCause.class } : {}),
      ...(first ? { details: [`${first.rootCause.class ?? first.exceptionName}: ${first.rootCause.message}`, ...first.frames.map((frame) => `\t${frame}`)].join('\n') } : {}),
    });
  }
}

function applicationDetailsOf(body: z.output<typeof applicationDetails>): ApplicationDetails {
  const timestamps = Object.fromEntries(Object.entries(body.timestamps ?? {}).filter(([, at]) => at > 0));
  return {
    applicationId: body.id, name: body.name, status: body.status,
    startTime: body['start-time'], endTime: body['end-time'], durationMs: body.duration, timestamps,
    jobs: body.jobs.map((job) => ({ ...jobStatusMessageOf(job), applicationId: body.id })),
  };
}

type ExceptionEntry = z.output<typeof applicationExceptions>['exceptionHistory']['entries'][number];

function applicationExceptionOf(entry: ExceptionEntry): ApplicationException {
  const stackTrace = entry.stacktrace ?? '';
  const exceptionName = entry.exceptionName ?? 'unknown exception';
  const root = failureOf({ 'stack-trace': stackTrace, class: exceptionName });
  const headline = stackTrace.split('\n')[0] ?? '';
  const message = headline.startsWith(`${exceptionName}: `) ? headline.slice(exceptionName.length + 2) : headline;
  return {
    exceptionName, message,
    rootCause: { ...(root.class ? { class: root.class } : {}), message: root.message },
    frames: rootCauseFrames(stackTrace), stackTrace,
    timestamp: entry.timestamp ?? null,
    ...(entry.jobId ? { jobId: entry.jobId } : {}),
  };
}
