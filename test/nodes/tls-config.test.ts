import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTestCertificates, type TestCertificates } from '../support/test-certificates';
import { startFlinkProxy, type FlinkProxy } from './flink-proxy';
import { clusterConfig, FLINK_NODES, helper, roundTrip, testFlow, withRunningJob, type FlowNode } from './node-harness';

// Node-RED's own tls-config node, as a user's flow has it.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a Node-RED core node file, without type definitions
const tlsConfigNode: unknown = require('@node-red/nodes/core/network/05-tls.js');

/** A tls-config node as its editor saves it: empty file paths unless given. */
function tlsConfig(extra: Record<string, unknown> = {}): FlowNode {
  return { id: 'tlscfg', type: 'tls-config', name: 'flink tls', cert: '', key: '', ca: '', servername: '', verifyservercert: true, ...extra };
}

function flowWith(cluster: FlowNode, ...more: FlowNode[]): FlowNode[] {
  return testFlow(cluster, [...more, { id: 'list', type: 'flink-list-jobs', wires: [['out']] }], { helpers: ['out'] });
}

describe('cluster TLS through a tls-config node (and the inline TLS of 0.1.0)', function () {
  const suite = withRunningJob('tls-config');
  let certs: TestCertificates;
  let dir: string;
  let proxy: FlinkProxy | undefined;

  const listsTheJob = async (): Promise<void> => {
    const msg = await roundTrip('list', {}, 'out');
    assert.ok((msg.payload as Array<{ jobId: string }>).some((job) => job.jobId === suite.jobId), 'the job Flink runs is listed');
    assert.ok(proxy!.requests.length > 0, 'over the https proxy');
  };
  const failsWith = async (code: string): Promise<string> => {
    const msg = await roundTrip('list', {}, 'caught');
    assert.equal(msg.error.code, code, msg.error.message);
    return msg.error.message as string;
  };

  before(function () {
    certs = makeTestCertificates();
    dir = mkdtempSync(path.join(os.tmpdir(), 'flink-tls-config-'));
    for (const [name, content] of Object.entries(certs) as Array<[string, string]>) writeFileSync(path.join(dir, `${name}.pem`), content);
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  const httpsProxy = async (mutual = false): Promise<string> => {
    proxy = suite.closeAfterTest(await startFlinkProxy(suite.flink.url, { tls: {
      cert: certs.serverCert, key: certs.serverKey, ca: certs.ca, requestCert: mutual, rejectUnauthorized: mutual,
    } }));
    return proxy.url;
  };
  const load = (flow: FlowNode[], credentials: Record<string, object> = {}): Promise<void> =>
    helper.load([...FLINK_NODES, tlsConfigNode], flow, credentials);

  it('reaches Flink over https trusting the CA file of the tls-config node', async function () {
    const url = await httpsProxy();
    await load(flowWith(clusterConfig(url, { tls: 'tlscfg' }), tlsConfig({ ca: path.join(dir, 'ca.pem') })));
    await listsTheJob();
  });

  it('reaches Flink with the tls-config node\'s uploaded CA, client certificate and key (mutual TLS)', async function () {
    const url = await httpsProxy(true);
    await load(flowWith(clusterConfig(url, { tls: 'tlscfg' }), tlsConfig()),
      { tlscfg: { cadata: certs.ca, certdata: certs.clientCert, keydata: certs.clientKey } });
    await listsTheJob();
    await helper.unload();

    await load(flowWith(clusterConfig(url, { tls: 'tlscfg' }), tlsConfig()), { tlscfg: { cadata: certs.ca } });
    await failsWith('FLINK_CONNECTION'); // the same server refuses a client without its certificate
  });

  it('refuses an unknown CA when the tls-config node verifies the server, and accepts it when it does not', async function () {
    const url = await httpsProxy();
    await load(flowWith(clusterConfig(url, { tls: 'tlscfg' }), tlsConfig()));
    await failsWith('FLINK_CONNECTION');
    await helper.unload();
    await load(flowWith(clusterConfig(url, { tls: 'tlscfg' }), tlsConfig({ verifyservercert: false })));
    await listsTheJob();
  });

  it('takes TLS from the tls-config node alone when the inline fields of 0.1.0 are set as well', async function () {
    const url = await httpsProxy();
    await load(flowWith(clusterConfig(url, { tls: 'tlscfg', caPath: path.join(dir, 'no-such-ca.pem'), verifyServer: true }),
      tlsConfig({ ca: path.join(dir, 'ca.pem') })));
    await listsTheJob();
  });

  it('fails with FLINK_INVALID_ARGUMENT for a tls-config id that is not deployed, or one that cannot be used', async function () {
    const url = await httpsProxy();
    await load(flowWith(clusterConfig(url, { tls: 'gone-tls' })));
    assert.match(await failsWith('FLINK_INVALID_ARGUMENT'), /not a deployed tls-config node/);
    await helper.unload();
    await load(flowWith(clusterConfig(url, { tls: 'tlscfg' }), tlsConfig({ ca: path.join(dir, 'missing.pem') })));
    assert.match(await failsWith('FLINK_INVALID_ARGUMENT'), /cannot be used/);
    assert.equal(proxy!.requests.length, 0, 'nothing was sent');
  });

  it('still reaches Flink with a 0.1.0 cluster\'s inline TLS (CA file, or uploaded CA with client certificate and key)', async function () {
    const url = await httpsProxy(true);
    await load(flowWith(clusterConfig(url, { caPath: path.join(dir, 'ca.pem'), certPath: path.join(dir, 'clientCert.pem'),
      keyPath: path.join(dir, 'clientKey.pem'), verifyServer: true, servername: '' })));
    await listsTheJob();
    await helper.unload();
    await load(flowWith(clusterConfig(url, { verifyServer: true })),
      { cluster: { caPem: certs.ca, certPem: certs.clientCert, keyPem: certs.clientKey } });
    await listsTheJob();
  });
});
