import { invalidArgument } from '../errors';
import { checkJobId, HEX_ID } from '../ids';
import type { FlinkRestApi } from '../rest-api';
import type { CallOptions } from '../types';
import { rescaleEndpoints as endpoints } from './rescale-endpoints';
import type { RescaleConfig, RescaleEntry, RescaleOverview, RescaleSummary } from './rescale-types';

/*
 * A job's rescale history (Flink 2.3, FLIP-487/495): what the adaptive scheduler did on each rescale. Kept only when
 * the cluster sets `web.adaptive-scheduler.rescale-history.size` above 0 (its default is 0); before 2.3 each call is
 * FLINK_UNSUPPORTED without a request.
 */

export function getRescaleConfig(api: FlinkRestApi, jobId: string, options: CallOptions = {}): Promise<RescaleConfig> {
  return api.call(endpoints.rescaleConfig, { params: { jobid: checkJobId(jobId) } }, options);
}

/** The job's rescales, newest first, each without its vertices, slots and scheduler states (`getRescaleDetails` has them). */
export function getRescaleHistory(api: FlinkRestApi, jobId: string, options: CallOptions = {}): Promise<RescaleEntry[]> {
  return api.call(endpoints.rescaleHistory, { params: { jobid: checkJobId(jobId) } }, options);
}

export function getRescaleOverview(api: FlinkRestApi, jobId: string, options: CallOptions = {}): Promise<RescaleOverview> {
  return api.call(endpoints.rescaleOverview, { params: { jobid: checkJobId(jobId) } }, options);
}

export function getRescaleSummary(api: FlinkRestApi, jobId: string, options: CallOptions = {}): Promise<RescaleSummary> {
  return api.call(endpoints.rescaleSummary, { params: { jobid: checkJobId(jobId) } }, options);
}

/** One rescale with its vertices (parallelism before and after), slots and scheduler states. */
export function getRescaleDetails(api: FlinkRestApi, jobId: string, rescaleUuid: string, options: CallOptions = {}): Promise<RescaleEntry> {
  const jobid = checkJobId(jobId);
  if (typeof rescaleUuid !== 'string' || !HEX_ID.test(rescaleUuid)) {
    throw invalidArgument(`${JSON.stringify(rescaleUuid)} is not a rescale id (rescaleUuid): expected 32 hex characters`);
  }
  return api.call(endpoints.rescaleDetails, { params: { jobid, rescaleuuid: rescaleUuid } }, options);
}
