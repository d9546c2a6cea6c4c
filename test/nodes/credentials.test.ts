import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type TestFlink } from '../flink/test-cluster';
import { startFlinkProxy, type FlinkProxy } from './flink-proxy';
import { UNKNOWN_JOB_ID } from '../support/ids';
import { makeTestCertificates, type TestCertificates } from '../support/test-certificates';
import {
  clusterConfig, collect, FLINK_NODES, helper, roundTrip, statuses, testFlow, withNodeRed, type FlowNode,
} from './node-harness';

const TOKEN = 'tok-7f3a9c1e5b2d4f6a8c0e';
const PASSWORD = 'pw-c4e6a8f0b2d4';

/** The cluster, a list node `list`, a status node `status`, both wired to `out`, and Catch. */
function flowWith(cluster: FlowNode): FlowNode[] {
  return testFlow(cluster, [
    { id: 'list', type: 'flink-list-jobs', wires: [['out']] },
    { id: 'status', type: 'flink-job-status', wires: [['out']] },
  ]);
}

/** Everything a secret could leak into: the deployed flow, messages, statuses and log lines. */
function assertNowhere(secret: string, seen: { messages: unknown[]; statuses: unknown[] }): void {
  const places: Record<string, unknown> = {
    flow: helper._redNodes.getFlows(), messages: seen.messages, statuses: seen.statuses,
    log: helper.log().getCalls().map((call) => call.args),
  };
  for (const [where, value] of Object.entries(places)) {
    assert.ok(!JSON.stringify(value).includes(secret), `the secret shows in the ${where}`);
  }
}

describe('cluster credentials, headers and TLS', function () {
  const suite = withNodeRed();
  let flink: TestFlink, proxy: FlinkProxy;
  before(function () { ({ flink } = suite); });

  it('sends a bearer token from the credentials, and keeps it out of the flow, messages, statuses and logs', async function () {
    proxy = suite.closeAfterTest(await startFlinkProxy(flink.url, { requireHeaders: { authorization: `Bearer ${TOKEN}` } }));
    await helper.load(FLINK_NODES, flowWith(clusterConfig(proxy.url, { authType: 'bearer' })), { cluster: { token: TOKEN } });
    const seen = { messages: collect('caught'), statuses: statuses('status') };
    const listed = await roundTrip('list', {}, 'out');
    assert.ok(Array.isArray(listed.payload), 'the proxy let the request through');
    const unknown = await roundTrip('status', { jobId: UNKNOWN_JOB_ID }, 'caught');
    assert.equal(unknown.error.code, 'FLINK_JOB_NOT_FOUND');
    assertNowhere(TOKEN, seen);
  });

  it('takes credentials deployed inline as the editor sends them, and stores them apart from the flow', async function () {
    proxy = suite.closeAfterTest(await startFlinkProxy(flink.url, { requireHeaders: { authorization: `Bearer ${TOKEN}` } }));
    await helper.load(FLINK_NODES, flowWith(clusterConfig(proxy.url, { authType: 'bearer' })));
    const deployed = flowWith(clusterConfig(proxy.url, { authType: 'bearer', credentials: { token: TOKEN } }));
    await helper.setFlows(deployed, 'full');
    const listed = await roundTrip('list', {}, 'out');
    assert.ok(Array.isArray(listed.payload));
    const cluster = helper._redNodes.getFlows().flows.find((node) => (node as FlowNode).id === 'cluster') as FlowNode;
    assert.equal(cluster.credentials, undefined, 'no credentials in the stored flow');
    assertNowhere(TOKEN, { messages: [], statuses: [] });
  });

  it('reports a rejected token as FLINK_AUTH without showing it', async function () {
    proxy = suite.closeAfterTest(await startFlinkProxy(flink.url, { requireHeaders: { authorization: `Bearer ${TOKEN}` } }));
    const wrong = `${TOKEN}-expired`;
    await helper.load(FLINK_NODES, flowWith(clusterConfig(proxy.url, { authType: 'bearer' })), { cluster: { token: wrong } });
    const seen = { messages: collect('caught'), statuses: statuses('list') };
    const msg = await roundTrip('list', {}, 'caught');
    assert.equal(msg.error.code, 'FLINK_AUTH');
    assert.deepEqual(seen.statuses[seen.statuses.length - 1], { fill: 'red', shape: 'ring', text: 'FLINK_AUTH' });
    assertNowhere(wrong, seen);
  });

  it('sends basic auth from the credentials, and refuses a user or password in the URL without echoing it', async function () {
    const basic = `Basic ${Buffer.from(`ops:${PASSWORD}`).toString('base64')}`;
    proxy = suite.closeAfterTest(await startFlinkProxy(flink.url, { requireHeaders: { authorization: basic } }));
    await helper.load(FLINK_NODES, flowWith(clusterConfig(proxy.url, { authType: 'basic' })), { cluster: { username: 'ops', password: PASSWORD } });
    assert.ok(Array.isArray((await roundTrip('list', {}, 'out')).payload));
    await helper.unload();

    const inUrl = proxy.url.replace('//', `//ops:${PASSWORD}@`);
    await helper.load(FLINK_NODES, flowWith(clusterConfig(inUrl)));
    const seen = { messages: collect('caught'), statuses: statuses('list') };
    const msg = await roundTrip('list', {}, 'caught');
    assert.equal(msg.error.code, 'FLINK_INVALID_ARGUMENT');
    assert.match(msg.error.message, /must not contain a user or password/);
    assert.ok(!JSON.stringify([seen, helper.log().getCalls().map((c) => c.args)]).includes(PASSWORD));
  });

  it('sends extra headers, with values read from the environment', async function () {
    process.env.FLINK_NODES_TEST_API_KEY = 'key-from-env-123';
    try {
      proxy = suite.closeAfterTest(await startFlinkProxy(flink.url, { requireHeaders: { 'x-api-key': 'key-from-env-123', 'x-team': 'ops' } }));
      await helper.load(FLINK_NODES, flowWith(clusterConfig(proxy.url, {
        headers: [{ name: 'X-Api-Key', value: 'FLINK_NODES_TEST_API_KEY', type: 'env' }, { name: 'X-Team', value: 'ops', type: 'str' }],
      })));
      assert.ok(Array.isArray((await roundTrip('list', {}, 'out')).payload));
      await helper.unload();

      process.env.FLINK_NODES_TEST_API_KEY = 'key-revoked-456';
      await helper.load(FLINK_NODES, flowWith(clusterConfig(proxy.url, {
        headers: [{ name: 'X-Api-Key', value: 'FLINK_NODES_TEST_API_KEY', type: 'env' }],
      })));
      const seen = { messages: collect('caught'), statuses: statuses('list') };
      assert.equal((await roundTrip('list', {}, 'caught')).error.code, 'FLINK_AUTH');
      assertNowhere('key-revoked-456', seen);
    } finally {
      delete process.env.FLINK_NODES_TEST_API_KEY;
    }
  });

  describe('TLS', function () {
    let dir: string;
    let certs: TestCertificates;

    before(function () {
      certs = makeTestCertificates();
      dir = mkdtempSync(path.join(os.tmpdir(), 'flink-nodes-tls-'));
      writeFileSync(path.join(dir, 'ca.pem'), certs.ca);
    });

    after(function () {
      rmSync(dir, { recursive: true, force: true });
    });

    it('verifies the server by default, trusting an uploaded CA or a CA file, or not verifying when told', async function () {
      proxy = suite.closeAfterTest(await startFlinkProxy(flink.url, { tls: { cert: certs.serverCert, key: certs.serverKey } }));
      await helper.load(FLINK_NODES, flowWith(clusterConfig(proxy.url)));
      const untrusted = await roundTrip('list', {}, 'caught');
      assert.equal(untrusted.error.code, 'FLINK_CONNECTION', 'a certificate of an unknown CA is refused');
      await helper.unload();

      await helper.load(FLINK_NODES, flowWith(clusterConfig(proxy.url)), { cluster: { caPem: certs.ca } });
      assert.ok(Array.isArray((await roundTrip('list', {}, 'out')).payload), 'trusted through the uploaded CA');
      await helper.unload();

      await helper.load(FLINK_NODES, flowWith(clusterConfig(proxy.url, { caPath: path.join(dir, 'ca.pem') })));
      assert.ok(Array.isArray((await roundTrip('list', {}, 'out')).payload), 'trusted through the CA file');
      await helper.unload();

      await helper.load(FLINK_NODES, flowWith(clusterConfig(proxy.url, { verifyServer: false })));
      assert.ok(Array.isArray((await roundTrip('list', {}, 'out')).payload), 'not verified');
      await helper.unload();

      await helper.load(FLINK_NODES, flowWith(clusterConfig(proxy.url, { caPath: path.join(dir, 'missing.pem') })));
      const missing = await roundTrip('list', {}, 'caught');
      assert.equal(missing.error.code, 'FLINK_INVALID_ARGUMENT');
      assert.match(missing.error.message, /missing\.pem: ENOENT/);
    });

    it('presents a client certificate and key from the credentials for mutual TLS', async function () {
      proxy = suite.closeAfterTest(await startFlinkProxy(flink.url, { tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca, requestCert: true, rejectUnauthorized: true } }));
      await helper.load(FLINK_NODES, flowWith(clusterConfig(proxy.url)), { cluster: { caPem: certs.ca } });
      const refused = await roundTrip('list', {}, 'caught');
      assert.equal(refused.error.code, 'FLINK_CONNECTION', 'no client certificate, no connection');
      await helper.unload();

      await helper.load(FLINK_NODES, flowWith(clusterConfig(proxy.url)), { cluster: { caPem: certs.ca, certPem: certs.clientCert, keyPem: certs.clientKey } });
      const seen = { messages: collect('caught'), statuses: statuses('list') };
      assert.ok(Array.isArray((await roundTrip('list', {}, 'out')).payload));
      assertNowhere(certs.clientKey.split('\n')[1]!, seen);
    });
  });
});
