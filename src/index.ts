export { FlinkClusterClient } from './cluster-client';
export { JobClient, type JobBoundOperations } from './job-client';
export { FlinkError, FlinkErrorCodes, isFlinkError, type FlinkErrorCode } from './errors';
export { checkApplicationId, checkJobId, JAR_ID_PATTERN, newApplicationId, newJobId, newTriggerId } from './ids';
export { JOB_STATES, TERMINAL_JOB_STATES } from './job-states';
export { DEFAULT_RETRY } from './retry';
/** Every public type: options, results, progress. */
export * from './types';
/** Flink 2.3's applications: their types, states and options. */
export * from './applications/application-types';
export type { RescaleConfig, RescaleEntry, RescaleOverview, RescaleSummary } from './rescales/rescale-types';
export { SqlGatewayClient } from './sql/sql-gateway-client';
export { SqlSession } from './sql/sql-session';
export { bindParameters, splitStatements, sqlLiteral, type ScriptStatement } from './sql/sql-text';
export * from './sql/sql-types';
