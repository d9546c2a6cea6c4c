import { setTimeout as sleep } from 'node:timers/promises';
import type { FlinkClusterClient, JobException } from '../../../src';
import type { RootCause } from './incidents';

/** "a.b.SomeException: the message" (a stack trace's first line, or one after "Caused by: "). */
const THROWABLE_LINE = /^(?:Caused by: )?([\w$.]+)(?:: ([^\n]*))?$/;

/**
 * The root cause in one exception-history entry: the innermost "Caused by" of its stack trace, which is where the
 * failure began (the entry itself is often Flink's wrapper, e.g. "JobException: Recovery is suppressed by
 * NoRestartBackoffTimeStrategy"), else the entry's own exception.
 */
export function rootCauseOf(entry: JobException): RootCause {
  const lines = (entry.stacktrace ?? '').split('\n');
  const causes = lines.filter((line) => line.startsWith('Caused by: '));
  const line = causes[causes.length - 1] ?? lines[0] ?? '';
  const match = THROWABLE_LINE.exec(line.trim());
  return {
    exceptionClass: match?.[1] ?? entry.exceptionName ?? 'unknown',
    message: match ? (match[2] ?? '') : line.trim(),
    failureLabels: entry.failureLabels ?? {},
    timestamp: entry.timestamp ?? null,
  };
}

/** Flink's REST layer serves a job's exception history from a cache refreshed every `web.refresh-interval` (3 s). */
const CACHE_WAIT_MS = 1500;
const ATTEMPTS = 4;

/**
 * The job's newest failure from its exception history; undefined when Flink has none (or cannot say). A job
 * that just failed may still show the history of a moment before, without the failure: asked again a few times.
 */
export async function fetchRootCause(client: () => FlinkClusterClient, jobId: string, signal: AbortSignal): Promise<RootCause | undefined> {
  for (let attempt = 1; attempt <= ATTEMPTS && !signal.aborted; attempt++) {
    try {
      const { entries } = await client().getJobExceptions(jobId, { maxExceptions: 1, signal });
      if (entries[0]) return rootCauseOf(entries[0]);
    } catch {
      return undefined; // the incident goes out without it rather than not at all (or the node is closing)
    }
    if (attempt < ATTEMPTS) await sleep(CACHE_WAIT_MS, undefined, { signal }).catch(() => undefined);
  }
  return undefined;
}

