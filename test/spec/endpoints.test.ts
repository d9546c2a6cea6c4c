import assert from 'node:assert/strict';
import { FlinkError } from '../../src';
import { applicationEndpoints } from '../../src/applications/application-endpoints';
import { endpoints, type Endpoint } from '../../src/endpoints';
import { rescaleEndpoints } from '../../src/rescales/rescale-endpoints';
import { FlinkRestApi, type AnyEndpoint } from '../../src/rest-api';
import * as schemas from '../../src/schemas';
import { FlinkTransport } from '../../src/transport';
import { FlinkVersion } from '../../src/version';
import { testFlink } from '../flink/test-cluster';
import { SPEC_LINES, specOperation } from './flink-openapi';
import { recordingDispatcher } from './recording-dispatcher';

const declared = Object.entries({ ...endpoints, ...applicationEndpoints, ...rescaleEndpoints }) as Array<[string, AnyEndpoint]>;

/** The Flink lines an endpoint claims to work on: every checked line from the one that introduced it. */
function linesOf(endpoint: AnyEndpoint): string[] {
  return SPEC_LINES.filter((line) => !endpoint.since || FlinkVersion.parse(line).atLeast(endpoint.since));
}

describe('REST endpoint declarations', function () {
  for (const [name, endpoint] of declared) {
    const template = endpoint.path.replace(/:(\w+)/g, '{$1}');
    for (const line of SPEC_LINES) {
      const operation = specOperation(line, endpoint.method, template);
      if (!linesOf(endpoint).includes(line)) {
        it(`${name} (${endpoint.method} ${endpoint.path}) is declared newer than Flink ${line}`, function () {
          // A call refuses it there (FLINK_UNSUPPORTED); the declaration must agree with that line's spec.
          assert.equal(operation, undefined, `Flink ${line}'s spec has ${endpoint.method} ${template}: its "since" is too late`);
        });
        continue;
      }
      it(`${name} (${endpoint.method} ${endpoint.path}) is in Flink ${line}'s spec, with its parameters, query and body`, function () {
        assert.ok(operation, `Flink ${line}'s spec has no ${endpoint.method} ${template}`);
        const parameters = operation.parameters ?? [];
        const pathParams = [...endpoint.path.matchAll(/:(\w+)/g)].map((match) => match[1]);
        assert.deepEqual(pathParams, parameters.filter((p) => p.in === 'path').map((p) => p.name), 'path parameters');
        for (const query of endpoint.query ?? []) {
          assert.ok(parameters.some((p) => p.in === 'query' && p.name === query), `query parameter ${query}`);
        }
        const contentTypes = Object.keys(operation.requestBody?.content ?? {});
        const encoding = endpoint.body?.encoding;
        if (encoding === 'json') assert.ok(contentTypes.includes('application/json'), `a JSON body, not ${contentTypes.join(', ') || 'none'}`);
        // Flink's spec names the uploaded file's type for the jar upload, which takes it as multipart/form-data.
        else if (encoding === 'multipart') assert.ok(contentTypes.some((type) => type === 'multipart/form-data' || type === 'application/x-java-archive'), `a multipart body, not ${contentTypes.join(', ') || 'none'}`);
        else assert.ok(!contentTypes.includes('application/json') || endpoint.method === 'GET', 'the spec expects a body this declaration does not send');
      });
    }
  }

  it('no endpoint the client calls on Flink 1.20 is missing from its spec', function () {
    const missing = declared
      .filter(([, endpoint]) => linesOf(endpoint).includes('1.20'))
      .filter(([, endpoint]) => !specOperation('1.20', endpoint.method, endpoint.path.replace(/:(\w+)/g, '{$1}')))
      .map(([name]) => name);
    assert.deepEqual(missing, []);
  });

  describe('against a real Flink', function () {
    it('refuses an endpoint newer than the cluster with FLINK_UNSUPPORTED, without sending it', async function () {
      const flink = await testFlink();
      const recorder = recordingDispatcher();
      const api = new FlinkRestApi(new FlinkTransport({ url: flink.url, dispatcher: recorder.dispatcher }));
      const fromTheFuture: Endpoint<'/overview', typeof schemas.clusterOverview> = {
        method: 'GET', path: '/overview', response: schemas.clusterOverview, retry: 'idempotent', since: [99, 0],
      };
      try {
        await assert.rejects(api.call(fromTheFuture, {}), (err: unknown) => {
          assert.ok(err instanceof FlinkError);
          assert.equal(err.code, 'FLINK_UNSUPPORTED');
          assert.match(err.message, new RegExp(`GET /overview needs Flink 99.0 or newer; this cluster runs Flink ${flink.version.replace(/\./g, '\\.')}`));
          return true;
        });
        assert.deepEqual(recorder.sent.map((request) => request.url), ['/config'], 'only the version was asked');
        const overview = await api.call(endpoints.clusterOverview, {});
        assert.ok(overview.taskmanagers >= 1, 'the same path without the future "since" is called');
      } finally {
        await api.transport.close();
        await recorder.close();
      }
    });
  });
});
