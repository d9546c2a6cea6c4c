import type { z } from 'zod';
import { askedOnce } from './asked-once';
import type { Endpoint, PathParamNames } from './endpoints';
import { endpoints } from './endpoints';
import type { FlinkError } from './errors';
import type { AttemptFailure } from './retry';
import { FlinkTransport, type FlinkRequest } from './transport';
import type { CallOptions } from './types';
import { FlinkVersion, requireFeature } from './version';

/** Any endpoint declaration, whatever its path, answer, body and query. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a body type of any endpoint (its retry function takes it)
export type AnyEndpoint = Endpoint<string, z.ZodType, any, string>;

/** What one call of an endpoint supplies: its path parameters, body and query, as its declaration types them. */
export type EndpointCall<E extends AnyEndpoint> = E extends Endpoint<infer Path, infer Response, infer Body, infer Query>
  ? ([PathParamNames<Path>] extends [never] ? { params?: undefined } : { params: Record<PathParamNames<Path>, string> })
    & ([Body] extends [undefined] ? { body?: undefined } : { body: Body })
    & {
      query?: Partial<Record<Query, string>>;
      /**
       * For a retried request that Flink refuses because an earlier attempt already took effect (a job id
       * already submitted): the answer that earlier attempt would have given, or undefined to report the error.
       */
      resolveReplay?: (error: FlinkError) => z.output<Response> | undefined;
      /** Told of every failed attempt, e.g. to know whether any of them may have reached Flink. */
      onFailedAttempt?: (failure: AttemptFailure) => void;
    }
  : never;

export type EndpointAnswer<E extends AnyEndpoint> = z.output<E['response']>;

/** Flink's REST API as the declared endpoints: one generic call, and the cluster's version, asked once. */
export class FlinkRestApi {
  /** The version once known, so that calls after the first do not wait on a promise under their signal. */
  private knownVersion?: FlinkVersion;

  private readonly askVersion = askedOnce(() => this.transport.send(requestOf(endpoints.dashboardConfig, {}))
    .then((config) => (this.knownVersion = FlinkVersion.parse(config['flink-version']))));

  constructor(readonly transport: FlinkTransport) {}

  /** Calls one endpoint and returns its validated answer; an endpoint newer than the cluster is FLINK_UNSUPPORTED. */
  async call<E extends AnyEndpoint>(endpoint: E, call: EndpointCall<E>, options: CallOptions = {}): Promise<EndpointAnswer<E>> {
    if (endpoint.since) requireFeature(await this.version(options), endpoint.since, `${endpoint.method} ${endpoint.path}`);
    return this.transport.send(requestOf(endpoint, call), options);
  }

  /**
   * The cluster's version, asked once and remembered (a failed ask is asked again next time). The ask
   * runs under the transport's own timeout, not the first caller's: each caller waits with its own signal.
   */
  version(options: CallOptions = {}): Promise<FlinkVersion> {
    if (this.knownVersion) return Promise.resolve(this.knownVersion);
    return this.transport.awaitShared(this.askVersion(), endpoints.dashboardConfig, options);
  }
}

/** The transport request of one call: the path filled in, and the job, trigger or application it names for error messages. */
export function requestOf<E extends AnyEndpoint>(endpoint: E, call: EndpointCall<E>): FlinkRequest<E['response']> {
  const resolveReplay = call.resolveReplay as FlinkRequest<E['response']>['resolveReplay'];
  const params: Record<string, string> = call.params ?? {};
  const body: unknown = call.body;
  const query = call.query ? Object.fromEntries(Object.entries(call.query).filter((entry): entry is [string, string] => entry[1] !== undefined)) : undefined;
  return {
    method: endpoint.method,
    path: endpoint.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name] ?? '')),
    schema: endpoint.response,
    retry: typeof endpoint.retry === 'function' ? endpoint.retry(body) : endpoint.retry,
    ...(query ? { query } : {}),
    ...(body === undefined ? {} : endpoint.body?.encoding === 'multipart' ? { form: body as FlinkRequest<E['response']>['form'] } : { json: body }),
    ...(params.jobid ? { jobId: params.jobid } : {}),
    ...(params.triggerid ? { triggerId: params.triggerid } : {}),
    ...(params.applicationid ? { applicationId: params.applicationid } : {}),
    ...(resolveReplay ? { resolveReplay } : {}),
    ...(call.onFailedAttempt ? { onFailedAttempt: call.onFailedAttempt } : {}),
    ...(endpoint.parseJson ? { parseJson: endpoint.parseJson } : {}),
  };
}
