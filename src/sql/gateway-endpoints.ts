import { endpoint, jsonBody } from '../endpoints';
import * as schemas from './gateway-schemas';
import { parseResultsJson } from './rows';

/*
 * Every SQL Gateway endpoint the SQL client calls, declared once. Paths are below the API version prefix
 * (`/v3`, `/v4`) that `SqlGatewayApi` adds, except `apiVersions`, which is asked before any version is known.
 */

export interface OpenSessionBody {
  properties?: Record<string, string>;
  sessionName?: string;
}

export interface ExecuteStatementBody {
  statement: string;
  /** Configuration of this statement only: the session keeps none of it for the next. */
  executionConfig?: Record<string, string>;
}

export const gatewayEndpoints = {
  apiVersions: endpoint({ method: 'GET', path: '/api_versions', response: schemas.apiVersions, retry: 'idempotent' }),
  info: endpoint({ method: 'GET', path: '/info', response: schemas.gatewayInfo, retry: 'idempotent' }),
  // A second session is harmless (it is never used and expires), so opening one may be retried.
  openSession: endpoint({ method: 'POST', path: '/sessions', body: jsonBody<OpenSessionBody>(), response: schemas.openSession, retry: 'idempotent' }),
  closeSession: endpoint({ method: 'DELETE', path: '/sessions/:session_handle', response: schemas.acknowledged, retry: 'idempotent' }),
  heartbeat: endpoint({ method: 'POST', path: '/sessions/:session_handle/heartbeat', response: schemas.acknowledged, retry: 'idempotent' }),
  // A second copy would run the statement twice (two jobs): sent again only where the failure proves it never arrived.
  executeStatement: endpoint({
    method: 'POST', path: '/sessions/:session_handle/statements', body: jsonBody<ExecuteStatementBody>(),
    response: schemas.operationHandle, retry: 'unsent',
  }),
  operationStatus: endpoint({
    method: 'GET', path: '/sessions/:session_handle/operations/:operation_handle/status', response: schemas.operationStatus, retry: 'idempotent',
  }),
  cancelOperation: endpoint({
    method: 'POST', path: '/sessions/:session_handle/operations/:operation_handle/cancel', response: schemas.operationStatus, retry: 'idempotent',
  }),
  closeOperation: endpoint({
    method: 'DELETE', path: '/sessions/:session_handle/operations/:operation_handle/close', response: schemas.operationStatus, retry: 'idempotent',
  }),
  // The gateway serves the newest page again when asked twice, so a lost page may be asked for again.
  fetchResults: endpoint({
    method: 'GET', path: '/sessions/:session_handle/operations/:operation_handle/result/:token', query: ['rowFormat'],
    response: schemas.fetchResults, retry: 'idempotent', parseJson: parseResultsJson,
  }),
};
