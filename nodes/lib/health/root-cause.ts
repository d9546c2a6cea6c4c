import type { ApplicationException, FlinkClusterClient, JobException } from '../../../src';
import type { Clock } from '../clock';
import type { RootCause } from './incidents';

/** An exception as a stack trace's line names it. */
export interface NamedException {
  exceptionClass: string;
  message: string;
}

/** "a.b.SomeException: the message" (a stack trace's first line, or one after "Caused by: "). */
const THROWABLE_LINE = /^(?:Caused by: )?([\w$.]+)(?:: ([^\n]*))?$/;

/** The exception one line of the entry's stack trace names; the entry's own exception name when the line names none. */
function exceptionIn(line: string, entry: JobException): NamedException {
  const match = THROWABLE_LINE.exec(line.trim());
  return {
    exceptionClass: match?.[1] ?? entry.exceptionName ?? 'unknown',
    message: match ? (match[2] ?? '') : line.trim(),
  };
}

/** The exception an exception-history entry records: the first line of its stack trace, as Flink reported the failure. */
export function outerException(entry: JobException): NamedException {
  return exceptionIn((entry.stacktrace ?? '').split('\n')[0] ?? '', entry);
}

/**
 * The innermost "Caused by" of the entry's stack trace, which is where the failure began (the entry itself is
 * often Flink's wrapper, e.g. "JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy"), else the
 * entry's own exception.
 */
export function innermostCause(entry: JobException): NamedException {
  const lines = (entry.stacktrace ?? '').split('\n');
  const causes = lines.filter((line) => line.startsWith('Caused by: '));
  return exceptionIn(causes[causes.length - 1] ?? lines[0] ?? '', entry);
}

/** The root cause in one exception-history entry: its innermost cause, with the entry's failure labels and time. */
export function rootCauseOf(entry: JobException): RootCause {
  return { ...innermostCause(entry), failureLabels: entry.failureLabels ?? {}, timestamp: entry.timestamp ?? null };
}

/** Flink's REST layer serves a job's exception history from a cache refreshed every `web.refresh-interval` (3 s). */
const CACHE_WAIT_MS = 1500;
const ATTEMPTS = 4;

/**
 * The newest entry of the job's exception history; undefined when Flink has none, cannot say, or the signal
 * aborts (the caller goes on without it). A job that just failed may still show the history of a moment before,
 * without the failure: asked again a few times.
 */
export async function fetchNewestException(client: () => Pick<FlinkClusterClient, 'getJobExceptions'>, jobId: string,
  signal: AbortSignal, clock: Clock): Promise<JobException | undefined> {
  try {
    for (let attempt = 1; ; attempt++) {
      const { entries } = await client().getJobExceptions(jobId, { maxExceptions: 1, signal });
      if (entries[0] || attempt === ATTEMPTS) return entries[0];
      await clock.sleep(CACHE_WAIT_MS, signal);
    }
  } catch {
    return undefined;
  }
}

/** The root cause of an application's failure: the first entry of its exception history, reduced to what went wrong. */
export function applicationRootCauseOf(entry: ApplicationException): RootCause {
  return {
    exceptionClass: entry.rootCause.class ?? entry.exceptionName, message: entry.rootCause.message,
    failureLabels: {}, timestamp: entry.timestamp, frames: entry.frames,
  };
}

/**
 * The first entry of the application's exception history; undefined when Flink has none, cannot say, or the
 * signal aborts (the caller goes on without it). Asked again a few times, as a job's, for a failure just recorded.
 */
export async function fetchFirstApplicationException(client: () => Pick<FlinkClusterClient, 'getApplicationExceptions'>,
  applicationId: string, signal: AbortSignal, clock: Clock): Promise<ApplicationException | undefined> {
  try {
    for (let attempt = 1; ; attempt++) {
      const [first] = await client().getApplicationExceptions(applicationId, { signal });
      if (first || attempt === ATTEMPTS) return first;
      await clock.sleep(CACHE_WAIT_MS, signal);
    }
  } catch {
    return undefined;
  }
}
