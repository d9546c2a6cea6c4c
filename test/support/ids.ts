/** A well-formed job id (32 hex digits) that no cluster has: the tests' "unknown job". */
export const UNKNOWN_JOB_ID = 'deadbeefdeadbeefdeadbeefdeadbeef';
