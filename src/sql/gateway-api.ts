import { askedOnce } from '../asked-once';
import { FlinkError } from '../errors';
import { requestOf, type AnyEndpoint, type EndpointAnswer, type EndpointCall } from '../rest-api';
import type { FlinkTransport } from '../transport';
import type { CallOptions } from '../types';
import { gatewayEndpoints } from './gateway-endpoints';

/**
 * The REST API versions whose paths the client speaks, newest first: v3 (Flink 1.18+) and v4 (Flink 2.0+) serve
 * sessions, statements and results at the same paths with the same bodies.
 */
export const SPOKEN_API_VERSIONS = ['v4', 'v3'] as const;
export type SqlGatewayApiVersion = (typeof SPOKEN_API_VERSIONS)[number];

/** The SQL Gateway's REST API: the newest version both sides speak, asked once, in front of every path. */
export class SqlGatewayApi {
  private readonly askApiVersion = askedOnce(async (): Promise<SqlGatewayApiVersion> => {
    const { versions } = await this.transport.send(requestOf(gatewayEndpoints.apiVersions, {}));
    const listed = versions.map((version) => version.toLowerCase());
    const spoken = SPOKEN_API_VERSIONS.find((version) => listed.includes(version));
    if (!spoken) {
      throw new FlinkError({
        code: 'FLINK_UNSUPPORTED',
        message: `The SQL Gateway speaks REST API ${versions.join(', ') || 'no version'}; this client needs V3 (Flink 1.18) or newer`,
      });
    }
    return spoken;
  });

  constructor(readonly transport: FlinkTransport) {}

  async call<E extends AnyEndpoint>(endpoint: E, call: EndpointCall<E>, options: CallOptions = {}): Promise<EndpointAnswer<E>> {
    const request = requestOf(endpoint, call);
    if ((endpoint as AnyEndpoint) === gatewayEndpoints.apiVersions) return this.transport.send(request, options);
    const version = await this.apiVersion(options);
    return this.transport.send({ ...request, path: `/${version}${request.path}` }, options);
  }

  /** The API version the client uses with this gateway; a failed ask is asked again next time. */
  apiVersion(options: CallOptions = {}): Promise<SqlGatewayApiVersion> {
    return this.transport.awaitShared(this.askApiVersion(), gatewayEndpoints.apiVersions, options);
  }
}
