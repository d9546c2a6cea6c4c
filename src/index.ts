export { FlinkClusterClient, type FlinkClusterClientOptions } from './cluster-client';
export { JobClient } from './job-client';
export { FlinkError, FlinkErrorCodes, isFlinkError, type FlinkErrorCode } from './errors';
export { checkJobId, newTriggerId } from './ids';
export { JOB_STATES, TERMINAL_JOB_STATES } from './schemas';
export { type CallOptions, type FlinkAuth, type FlinkTlsOptions } from './transport';
export { DEFAULT_RETRY, type RetryOptions } from './retry';
export type { OperationOptions, Progress } from './poll';
export * from './types';
