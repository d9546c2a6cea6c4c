import assert from 'node:assert/strict';
import { FlinkClusterClient, FlinkError } from '../../src';
import { json, startStub, type StubServer } from '../support/stub-server';
import { makeTestCertificates, type TestCertificates } from '../support/test-certificates';

describe('FlinkClusterClient over TLS', function () {
  let certs: TestCertificates;
  let stub: StubServer;
  let client: FlinkClusterClient | undefined;

  before(function () {
    certs = makeTestCertificates();
  });

  afterEach(async function () {
    await client?.close();
    client = undefined;
    await stub.close();
  });

  async function tlsStub(requireClientCert: boolean): Promise<void> {
    stub = await startStub('2.3.0', {
      cert: certs.serverCert, key: certs.serverKey, ca: certs.ca,
      requestCert: requireClientCert, rejectUnauthorized: requireClientCert,
    });
    stub.handle((_req, res) => json(res, 200, { jobs: [] }));
  }

  async function failure(promise: Promise<unknown>): Promise<FlinkError> {
    const err = await promise.then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof FlinkError, `expected a FlinkError, got ${String(err)}`);
    return err;
  }

  it('refuses a server certificate from an unknown CA by default', async function () {
    await tlsStub(false);
    client = new FlinkClusterClient({ url: stub.url, retry: { maxRetries: 0 } });
    const err = await failure(client.listJobs());
    assert.equal(err.code, 'FLINK_CONNECTION');
    assert.match(err.message, /TLS/);
    assert.equal(stub.received.length, 0);
  });

  it('trusts a server certificate signed by the given CA', async function () {
    await tlsStub(false);
    client = new FlinkClusterClient({ url: stub.url, tls: { ca: certs.ca } });
    assert.deepEqual(await client.listJobs(), []);
  });

  it('accepts any certificate when verification is turned off', async function () {
    await tlsStub(false);
    client = new FlinkClusterClient({ url: stub.url, tls: { rejectUnauthorized: false } });
    assert.deepEqual(await client.listJobs(), []);
  });

  it('presents a client certificate for mutual TLS', async function () {
    await tlsStub(true);
    client = new FlinkClusterClient({ url: stub.url, retry: { maxRetries: 0 }, tls: { ca: certs.ca } });
    const err = await failure(client.listJobs());
    assert.equal(err.code, 'FLINK_CONNECTION');
    await client.close();
    client = new FlinkClusterClient({ url: stub.url, tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } });
    assert.deepEqual(await client.listJobs(), []);
    const [request] = stub.received;
    assert.equal(request?.url, '/jobs/overview');
  });
});
