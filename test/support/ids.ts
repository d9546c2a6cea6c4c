/** A well-formed job id (32 hex digits) that no cluster has: the tests' "unknown job". */
export const UNKNOWN_JOB_ID = 'deadbeefdeadbeefdeadbeefdeadbeef';

/** A well-formed trigger id (32 hex digits) that no savepoint or checkpoint operation has. */
export const UNKNOWN_TRIGGER_ID = 'abcdefabcdefabcdefabcdefabcdef00';

/** A well-formed application id (32 hex digits) that no cluster has: the tests' "unknown application". */
export const UNKNOWN_APPLICATION_ID = 'feedfacefeedfacefeedfacefeedface';
