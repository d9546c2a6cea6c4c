import { endpoint } from '../endpoints';
import { SINCE } from '../version';
import * as schemas from './rescale-schemas';

/** Flink 2.3's rescale history endpoints (FLIP-495), declared once; older clusters get FLINK_UNSUPPORTED without a request. */
export const rescaleEndpoints = {
  rescaleConfig: endpoint({
    method: 'GET', path: '/jobs/:jobid/rescales/config', response: schemas.rescaleConfig, retry: 'idempotent', since: SINCE.rescaleHistory,
  }),
  rescaleHistory: endpoint({
    method: 'GET', path: '/jobs/:jobid/rescales/history', response: schemas.rescaleHistory, retry: 'idempotent', since: SINCE.rescaleHistory,
  }),
  rescaleOverview: endpoint({
    method: 'GET', path: '/jobs/:jobid/rescales/overview', response: schemas.rescaleOverview, retry: 'idempotent', since: SINCE.rescaleHistory,
  }),
  rescaleSummary: endpoint({
    method: 'GET', path: '/jobs/:jobid/rescales/summary', response: schemas.rescaleSummary, retry: 'idempotent', since: SINCE.rescaleHistory,
  }),
  rescaleDetails: endpoint({
    method: 'GET', path: '/jobs/:jobid/rescales/details/:rescaleuuid', response: schemas.rescaleEntry, retry: 'idempotent', since: SINCE.rescaleHistory,
  }),
};
