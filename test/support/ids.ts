/** A well-formed job id (32 hex digits) that no cluster has: the tests' "unknown job". */
export const UNKNOWN_JOB_ID = 'deadbeefdeadbeefdeadbeefdeadbeef';

/** A well-formed trigger id (32 hex digits) that no savepoint or checkpoint operation has. */
export const UNKNOWN_TRIGGER_ID = 'abcdefabcdefabcdefabcdefabcdef00';

/** A well-formed application id (32 hex digits) that no cluster has: the tests' "unknown application". */
export const UNKNOWN_APPLICATION_ID = 'feedfacefeedfacefeedfacefeedface';

/** A job (or application, or savepoint) name unique to this run: the clusters are shared, and an external one still lists earlier runs' jobs. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}
