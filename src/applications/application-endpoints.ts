import { endpoint, jsonBody, withClientId, type JarProgramBody } from '../endpoints';
import { emptyObject } from '../schemas';
import { SINCE } from '../version';
import * as schemas from './application-schemas';

/** The body of `POST /jars/{jarid}/run-application`: the program, and the application's id of the client's own. */
export interface JarRunApplicationBody extends JarProgramBody {
  applicationId?: string;
}

/** Flink 2.3's application endpoints (FLIP-549 / FLIP-560), declared as `endpoints` declares the others. */
export const applicationEndpoints = {
  applicationsOverview: endpoint({
    method: 'GET', path: '/applications/overview', response: schemas.applicationsOverview, retry: 'idempotent', since: SINCE.applications,
  }),
  applicationDetails: endpoint({
    method: 'GET', path: '/applications/:applicationid', response: schemas.applicationDetails, retry: 'idempotent', since: SINCE.applications,
  }),
  applicationExceptions: endpoint({
    method: 'GET', path: '/applications/:applicationid/exceptions', response: schemas.applicationExceptions, retry: 'idempotent', since: SINCE.applications,
  }),
  // A retry after an attempt that cancelled it meets "could not be found" (an ended application): `cancelApplication` resolves that.
  cancelApplication: endpoint({
    method: 'POST', path: '/applications/:applicationid/cancel', response: emptyObject, retry: 'idempotent', since: SINCE.applications,
  }),
  jarRunApplication: endpoint({
    method: 'POST', path: '/jars/:jarid/run-application', body: jsonBody<JarRunApplicationBody>(),
    response: schemas.jarRunApplication, retry: withClientId('applicationId'), since: SINCE.applications,
  }),
};
