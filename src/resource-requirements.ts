import { invalidArgument, isFlinkError, withFields } from './errors';
import type { JobResourceRequirements } from './types';

const VERTEX_ID = /^[0-9a-f]{32}$/;

/** The requirements as Flink takes them, or FLINK_INVALID_ARGUMENT naming the property that is wrong. */
export function checkResourceRequirements(requirements: unknown): JobResourceRequirements {
  if (!isPlainObject(requirements) || Object.keys(requirements).length === 0) {
    throw invalidArgument('Resource requirements must be an object with one entry per job vertex id: { [vertexId]: { parallelism: { lowerBound, upperBound } } }');
  }
  const checked: JobResourceRequirements = {};
  for (const [vertexId, entry] of Object.entries(requirements)) {
    if (!VERTEX_ID.test(vertexId)) throw invalidArgument(`Resource requirements: "${vertexId}" is not a job vertex id (32 lowercase hex characters)`);
    const parallelism = isPlainObject(entry) ? entry.parallelism : undefined;
    if (!isPlainObject(parallelism)) throw invalidArgument(`Resource requirements: ${vertexId}.parallelism must be { lowerBound, upperBound }`);
    const { lowerBound, upperBound } = parallelism;
    for (const [name, bound] of [['lowerBound', lowerBound], ['upperBound', upperBound]] as const) {
      if (typeof bound !== 'number' || !Number.isInteger(bound) || bound < 1) {
        throw invalidArgument(`Resource requirements: ${vertexId}.parallelism.${name} must be a whole number of at least 1, not ${JSON.stringify(bound) ?? 'nothing'}`);
      }
    }
    if ((lowerBound as number) > (upperBound as number)) {
      throw invalidArgument(`Resource requirements: ${vertexId}.parallelism.lowerBound (${String(lowerBound)}) is above its upperBound (${String(upperBound)})`);
    }
    checked[vertexId] = { parallelism: { lowerBound: lowerBound as number, upperBound: upperBound as number } };
  }
  return checked;
}

/**
 * Flink's answer when the job's scheduler has no resource requirements (every scheduler but the adaptive
 * one): a 500 carrying `UnsupportedOperationException: The DefaultScheduler does not support changing the
 * parallelism without a job restart...`. Read as FLINK_UNSUPPORTED saying what does work; Flink's words stay in `details`.
 */
export function schedulerRefusal(err: unknown, jobId: string): unknown {
  if (!isFlinkError(err, 'FLINK_SERVER')) return err;
  const refusal = /The (\w+) does not support changing the parallelism without a job restart/.exec(`${err.message}\n${err.details ?? ''}`);
  if (!refusal) return err;
  return withFields(err, {
    code: 'FLINK_UNSUPPORTED', jobId, details: [err.message, err.details].filter(Boolean).join('\n'),
    message: `Job ${jobId} runs on Flink's ${refusal[1]}, which cannot rescale a job in place: resource requirements need the adaptive scheduler `
      + '(jobmanager.scheduler: adaptive). To change its parallelism, stop it with a savepoint and run it again from that savepoint with the new parallelism',
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
