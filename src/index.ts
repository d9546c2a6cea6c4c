export { FlinkClusterClient, type FlinkClusterClientOptions } from './cluster-client';
export { JobClient } from './job-client';
export { FlinkError, FlinkErrorCodes, isFlinkError, type FlinkErrorCode } from './errors';
export { checkJobId, newTriggerId } from './ids';
export { JOB_STATES, TERMINAL_JOB_STATES } from './schemas';
export { DEFAULT_RETRY, type CallOptions, type FlinkAuth, type FlinkTlsOptions, type RetryOptions } from './transport';
export type { OperationOptions, Progress } from './poll';
export * from './types';
