import type { JarProgramBody } from './endpoints';
import { invalidArgument, isFlinkError, withFields, type FlinkError } from './errors';
import type { JarProgramOptions } from './types';
import { type FlinkVersion, requireFeature, SINCE } from './version';

/*
 * What a job run (`POST /jars/{jarid}/run`) and an application run (`POST /jars/{jarid}/run-application`,
 * Flink 2.3+) share: the program's settings as the body takes them, and a submission under an id of the
 * client's own, which a retry after a lost answer resolves instead of starting the program twice.
 */

/** The program's settings as a jar-run body takes them on this Flink version; a bad one is FLINK_INVALID_ARGUMENT. */
export function jarProgramBody(options: JarProgramOptions, version: FlinkVersion): JarProgramBody {
  const flinkConfiguration = options.flinkConfiguration === undefined ? undefined : checkFlinkConfiguration(options.flinkConfiguration);
  if (flinkConfiguration) requireFeature(version, SINCE.jarRunFlinkConfiguration, 'A job\'s own Flink configuration in a jar run');
  const claimKey = version.atLeast(SINCE.claimMode) ? 'claimMode' : 'restoreMode';
  return {
    ...(options.entryClass ? { entryClass: options.entryClass } : {}),
    ...(options.args ? { programArgsList: options.args } : {}),
    ...(options.parallelism ? { parallelism: options.parallelism } : {}),
    ...(options.savepointPath ? { savepointPath: options.savepointPath } : {}),
    ...(options.allowNonRestoredState === undefined ? {} : { allowNonRestoredState: options.allowNonRestoredState }),
    ...(options.claimMode ? { [claimKey]: options.claimMode } : {}),
    ...(flinkConfiguration ? { flinkConfiguration } : {}),
  };
}

/** The id of the client's own that a submission carries: a job's (a jar run) or an application's (an application run). */
export interface OwnSubmissionId {
  kind: 'job' | 'application';
  id: string;
}

/**
 * Sends a submission that carries an id of the client's own. A retry that Flink refuses as a duplicate (an
 * earlier attempt took effect, its answer lost) resolves to `answer`. Any other error names the id, since the
 * request may have reached Flink; Flink refusing the first attempt as a duplicate is FLINK_CONFLICT.
 */
export async function submitUnderOwnId<Answer>(own: OwnSubmissionId, answer: Answer,
  send: (resolveReplay: (err: FlinkError) => Answer | undefined) => Promise<Answer>): Promise<Answer> {
  try {
    return await send((err) => (isDuplicateSubmission(err) ? answer : undefined));
  } catch (err) {
    if (!isFlinkError(err)) throw err;
    const named = own.kind === 'job' ? { jobId: own.id } : { applicationId: own.id };
    if (!isDuplicateSubmission(err)) throw withFields(err, named);
    const what = own.kind === 'job' ? 'a job' : 'an application';
    throw withFields(err, { code: 'FLINK_CONFLICT', ...named, message: `Flink already has ${what} with id ${own.id}: ${err.message}` });
  }
}

/** Flink's answer to a submission whose id it already has (1.20: Job..., 2.x: Application..., for a job run too). */
function isDuplicateSubmission(err: FlinkError): boolean {
  return /Duplicate(?:Job|Application)SubmissionException/.test(`${err.message}\n${err.details ?? ''}`);
}

/** A job's own Flink configuration as the jar-run body takes it: option names to string values. */
function checkFlinkConfiguration(configuration: unknown): Record<string, string> | undefined {
  if (typeof configuration !== 'object' || configuration === null || Array.isArray(configuration)) {
    throw invalidArgument('flinkConfiguration must be an object of option names to string values');
  }
  for (const [key, value] of Object.entries(configuration)) {
    if (key.trim() === '' || typeof value !== 'string') {
      throw invalidArgument(`flinkConfiguration: ${JSON.stringify(key)} must be a non-blank option name with a string value`);
    }
  }
  const entries = Object.entries(configuration as Record<string, string>);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}
