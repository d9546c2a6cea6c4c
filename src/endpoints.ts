import type { FormData } from 'undici';
import type { z } from 'zod';
import type { RetryPolicy } from './retry';
import * as schemas from './schemas';
import type { CheckpointType, ClaimMode, JobResourceRequirements, SavepointFormatType } from './types';
import { SINCE, type Since } from './version';

/*
 * Every REST endpoint the client calls, declared once (as Flink's own `*Headers` classes do): method, path
 * template, the answer's schema, the request body, how it may be retried, and the Flink release that added
 * it where older ones lack it. Operations call them through `FlinkRestApi.call`.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The parameter names of a path template: `'/jobs/:jobid/savepoints/:triggerid'` gives `'jobid' | 'triggerid'`. */
export type PathParamNames<Path extends string> =
  Path extends `${string}:${infer Name}/${infer Rest}` ? Name | PathParamNames<`/${Rest}`>
    : Path extends `${string}:${infer Name}` ? Name
      : never;

declare const bodyType: unique symbol;
/** How a request carries its body; the body's type rides along for the compiler only. */
export interface RequestBody<Body> {
  readonly encoding: 'json' | 'multipart';
  readonly [bodyType]?: Body;
}

export const jsonBody = <Body>(): RequestBody<Body> => ({ encoding: 'json' });
const multipartBody: RequestBody<FormData> = { encoding: 'multipart' };

export interface Endpoint<Path extends string = string, Response extends z.ZodType = z.ZodType, Body = undefined, Query extends string = never> {
  readonly method: HttpMethod;
  /** Below the REST base path, parameters written `:name` as in the spec's `{name}`. */
  readonly path: Path;
  readonly response: Response;
  readonly body?: RequestBody<Body>;
  /** The query parameters a call may set. */
  readonly query?: readonly Query[];
  /**
   * How a request may be retried (see `RetryPolicy`); for a trigger, decided by its body: idempotent only
   * when it carries an id of the client's own, which Flink recognises when the request comes again.
   */
  readonly retry: RetryPolicy | ((body: Body) => RetryPolicy);
  /** The first Flink release that has it, for endpoints older clusters lack. */
  readonly since?: Since;
  /** Reads the answer's JSON text where `JSON.parse` would lose something (the SQL Gateway's BIGINT rows). */
  readonly parseJson?: (text: string) => unknown;
}

/** The declaration as written, its path, body and query types inferred. */
export function endpoint<const Path extends string, Response extends z.ZodType, Body = undefined, const Query extends string = never>(
  declaration: Endpoint<Path, Response, Body, Query>): Endpoint<Path, Response, Body, Query> {
  return declaration;
}

/** A trigger's or submission's retry policy: idempotent when its body carries an id of the client's own. */
export const withClientId = (field: 'triggerId' | 'jobId' | 'applicationId') => (body: Partial<Record<typeof field, string>>): RetryPolicy =>
  (body[field] ? 'idempotent' : 'unsent');

export interface SavepointTriggerBody {
  'target-directory'?: string;
  'cancel-job': boolean;
  formatType?: SavepointFormatType;
  /** Flink 1.15+ (`SINCE.triggerIdAndFormatType`), as `formatType`. */
  triggerId?: string;
}

export interface StopWithSavepointBody {
  targetDirectory?: string;
  drain: boolean;
  formatType?: SavepointFormatType;
  triggerId?: string;
}

export interface CheckpointTriggerBody {
  triggerId: string;
  checkpointType?: CheckpointType;
}

/** The program a jar run starts: what a job run and an application run (Flink 2.3+) send alike. */
export interface JarProgramBody {
  entryClass?: string;
  programArgsList?: string[];
  parallelism?: number;
  savepointPath?: string;
  allowNonRestoredState?: boolean;
  /** `restoreMode` before Flink 1.20 (`SINCE.claimMode`). */
  claimMode?: ClaimMode;
  restoreMode?: ClaimMode;
  /** Flink 1.17+ (`SINCE.jarRunFlinkConfiguration`). */
  flinkConfiguration?: Record<string, string>;
}

export interface JarRunBody extends JarProgramBody {
  /** Flink 1.20+ (`SINCE.jarRunJobId`). */
  jobId?: string;
}

export const endpoints = {
  dashboardConfig: endpoint({ method: 'GET', path: '/config', response: schemas.dashboardConfig, retry: 'idempotent' }),
  clusterOverview: endpoint({ method: 'GET', path: '/overview', response: schemas.clusterOverview, retry: 'idempotent' }),
  jobManagerConfig: endpoint({ method: 'GET', path: '/jobmanager/config', response: schemas.jobManagerConfig, retry: 'idempotent' }),
  shutDownCluster: endpoint({ method: 'DELETE', path: '/cluster', response: schemas.emptyObject, retry: 'unsent' }),

  jobsOverview: endpoint({ method: 'GET', path: '/jobs/overview', response: schemas.jobsOverview, retry: 'idempotent' }),
  jobStatus: endpoint({ method: 'GET', path: '/jobs/:jobid/status', response: schemas.jobStatus, retry: 'idempotent', since: SINCE.jobStatusEndpoint }),
  jobDetails: endpoint({ method: 'GET', path: '/jobs/:jobid', response: schemas.jobDetails, retry: 'idempotent' }),
  cancelJob: endpoint({ method: 'PATCH', path: '/jobs/:jobid', query: ['mode'], response: schemas.emptyObject, retry: 'idempotent' }),
  accumulators: endpoint({ method: 'GET', path: '/jobs/:jobid/accumulators', query: ['includeSerializedValue'], response: schemas.accumulators, retry: 'idempotent' }),
  exceptions: endpoint({ method: 'GET', path: '/jobs/:jobid/exceptions', query: ['maxExceptions'], response: schemas.exceptionHistory, retry: 'idempotent' }),
  checkpointStatistics: endpoint({ method: 'GET', path: '/jobs/:jobid/checkpoints', response: schemas.checkpointStatistics, retry: 'idempotent' }),
  checkpointConfig: endpoint({ method: 'GET', path: '/jobs/:jobid/checkpoints/config', response: schemas.checkpointConfig, retry: 'idempotent' }),
  jobMetrics: endpoint({ method: 'GET', path: '/jobs/:jobid/metrics', query: ['get'], response: schemas.metricValues, retry: 'idempotent' }),
  // Flink aggregates over the vertex's subtasks; `get` and `agg` are comma-separated lists.
  vertexSubtaskMetrics: endpoint({
    method: 'GET', path: '/jobs/:jobid/vertices/:vertexid/subtasks/metrics', query: ['get', 'agg'], response: schemas.aggregatedMetrics, retry: 'idempotent',
  }),
  vertexBackpressure: endpoint({
    method: 'GET', path: '/jobs/:jobid/vertices/:vertexid/backpressure', response: schemas.vertexBackpressure, retry: 'idempotent',
  }),
  executionResult: endpoint({ method: 'GET', path: '/jobs/:jobid/execution-result', response: schemas.executionResult, retry: 'idempotent' }),
  resourceRequirements: endpoint({
    method: 'GET', path: '/jobs/:jobid/resource-requirements', response: schemas.resourceRequirements, retry: 'idempotent', since: SINCE.resourceRequirements,
  }),
  // Setting the same requirements twice leaves the job as setting them once does.
  setResourceRequirements: endpoint({
    method: 'PUT', path: '/jobs/:jobid/resource-requirements', body: jsonBody<JobResourceRequirements>(),
    response: schemas.emptyObject, retry: 'idempotent', since: SINCE.resourceRequirements,
  }),

  savepointTrigger: endpoint({
    method: 'POST', path: '/jobs/:jobid/savepoints', body: jsonBody<SavepointTriggerBody>(),
    response: schemas.triggerResponse, retry: withClientId('triggerId'),
  }),
  stopWithSavepoint: endpoint({
    method: 'POST', path: '/jobs/:jobid/stop', body: jsonBody<StopWithSavepointBody>(),
    response: schemas.triggerResponse, retry: withClientId('triggerId'),
  }),
  savepointStatus: endpoint({ method: 'GET', path: '/jobs/:jobid/savepoints/:triggerid', response: schemas.savepointResult, retry: 'idempotent' }),
  checkpointTrigger: endpoint({
    method: 'POST', path: '/jobs/:jobid/checkpoints', body: jsonBody<CheckpointTriggerBody>(),
    response: schemas.triggerResponse, retry: 'idempotent', since: SINCE.checkpointTrigger,
  }),
  checkpointStatus: endpoint({
    method: 'GET', path: '/jobs/:jobid/checkpoints/:triggerid', response: schemas.checkpointResult, retry: 'idempotent', since: SINCE.checkpointTrigger,
  }),
  // Flink takes no client trigger id here, so a retry could dispose twice: retried only when never sent.
  savepointDisposal: endpoint({
    method: 'POST', path: '/savepoint-disposal', body: jsonBody<{ 'savepoint-path': string }>(), response: schemas.triggerResponse, retry: 'unsent',
  }),
  savepointDisposalStatus: endpoint({ method: 'GET', path: '/savepoint-disposal/:triggerid', response: schemas.disposalResult, retry: 'idempotent' }),

  jarList: endpoint({ method: 'GET', path: '/jars', response: schemas.jarList, retry: 'idempotent' }),
  // A retry after an attempt that deleted the jar meets "does not exist": the call resolves that (`deleteJar`).
  jarDelete: endpoint({ method: 'DELETE', path: '/jars/:jarid', response: schemas.emptyObject, retry: 'idempotent' }),
  jarUpload: endpoint({ method: 'POST', path: '/jars/upload', body: multipartBody, response: schemas.jarUpload, retry: 'unsent' }),
  jarRun: endpoint({ method: 'POST', path: '/jars/:jarid/run', body: jsonBody<JarRunBody>(), response: schemas.jarRun, retry: withClientId('jobId') }),
};

export type EndpointName = keyof typeof endpoints;
