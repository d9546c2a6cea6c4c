import assert from 'node:assert/strict';
import { gatewayEndpoints } from '../../src/sql/gateway-endpoints';
import { gatewaySpecOperation, gatewaySpecViolations, specViolations } from './flink-openapi';

const SESSION = '0b7d1b6c-8e9d-4b3a-9a57-3c2f0f1d2e4a';
const OPERATION = '6f1e3a52-2c44-4c1b-8d0e-9b7a1c5d3e2f';

describe('the SQL Gateway OpenAPI specs (test/fixtures/flink-rest)', function () {
  it('allow a session, a statement and its result pages as a client sends them, on v3 and v4', function () {
    for (const apiVersion of ['v3', 'v4'] as const) {
      assert.deepEqual(gatewaySpecViolations(apiVersion, {
        method: 'POST', url: `/${apiVersion}/sessions`, body: { sessionName: 'x', properties: { 'execution.runtime-mode': 'streaming' } },
      }), []);
      assert.deepEqual(gatewaySpecViolations(apiVersion, {
        method: 'POST', url: `/${apiVersion}/sessions/${SESSION}/statements`,
        body: { statement: 'SELECT 1', executionConfig: { 'pipeline.name': 'x' }, executionTimeout: 1000 },
      }), []);
      assert.deepEqual(gatewaySpecViolations(apiVersion, {
        method: 'GET', url: `/${apiVersion}/sessions/${SESSION}/operations/${OPERATION}/result/0?rowFormat=JSON`,
      }), []);
      assert.deepEqual(gatewaySpecViolations(apiVersion, { method: 'GET', url: '/api_versions' }), []);
    }
  });

  it('have every endpoint the SQL client declares, on v3 and v4, with its path and query parameters', function () {
    for (const [name, endpoint] of Object.entries(gatewayEndpoints)) {
      const template = endpoint.path.replace(/:(\w+)/g, '{$1}');
      for (const apiVersion of ['v3', 'v4'] as const) {
        const operation = gatewaySpecOperation(apiVersion, endpoint.method, template);
        assert.ok(operation, `${name}: the ${apiVersion} spec has no ${endpoint.method} ${template}`);
        const declared = (operation.parameters ?? []).map((parameter) => `${parameter.in}:${parameter.name}`).sort();
        const used = [...template.matchAll(/\{(\w+)\}/g)].map((match) => `path:${match[1]}`).concat(('query' in endpoint ? endpoint.query ?? [] : []).map((query) => `query:${query}`)).sort();
        assert.deepEqual(used, declared, `${name} on ${apiVersion}`);
        assert.equal(Boolean(operation.requestBody), endpoint.body !== undefined, `${name} on ${apiVersion}: a body where the spec has one`);
      }
    }
  });

  it('name what a spec does not allow: a field, a query value, a path, a method, another version\'s prefix', function () {
    const where = `/v3/sessions/${SESSION}/operations/${OPERATION}/result/0`;
    assert.deepEqual(gatewaySpecViolations('v3', { method: 'POST', url: '/v3/sessions', body: { name: 'x' } }),
      ['POST /v3/sessions body: field "name" is not in the spec']);
    assert.deepEqual(gatewaySpecViolations('v3', { method: 'GET', url: `${where}?rowFormat=CSV` }),
      [`GET ${where}?rowFormat=CSV ?rowFormat: "CSV" is not one of JSON, PLAIN_TEXT`]);
    assert.deepEqual(gatewaySpecViolations('v3', { method: 'POST', url: `/v3/sessions/${SESSION}/scripts`, body: { script: 'x' } }),
      [`POST /v3/sessions/${SESSION}/scripts: no such path in the spec`]);
    assert.deepEqual(gatewaySpecViolations('v4', { method: 'PUT', url: '/v4/sessions' }), ['PUT /v4/sessions: method not allowed by the spec']);
    assert.deepEqual(gatewaySpecViolations('v3', { method: 'GET', url: '/v4/info' }), ['GET /v4/info: sent to /v4, checked against the v3 spec']);
  });

  it('differ where Flink\'s REST API versions differ: scripts in v4, the materialized table refresh in v3', function () {
    assert.ok(gatewaySpecOperation('v4', 'POST', '/sessions/{session_handle}/scripts'));
    assert.equal(gatewaySpecOperation('v3', 'POST', '/sessions/{session_handle}/scripts'), undefined);
    assert.ok(gatewaySpecOperation('v3', 'POST', '/sessions/{session_handle}/materialized-tables/{identifier}/refresh'));
    assert.equal(gatewaySpecOperation('v4', 'POST', '/sessions/{session_handle}/materialized-tables/{identifier}/refresh'), undefined);
  });

  it('leave the JobManager\'s specs as they were: a gateway path is not a JobManager path', function () {
    assert.deepEqual(specViolations('2.3.0', { method: 'GET', url: '/v1/jobs/overview' }), []);
    assert.deepEqual(specViolations('2.3.0', { method: 'POST', url: '/v1/sessions' }), ['POST /v1/sessions: no such path in the spec']);
  });
});
