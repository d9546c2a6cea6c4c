import assert from 'node:assert/strict';
import { requireSqlGateway, requireVersionLeg } from './skips';
import { clientTestVersions } from './test-cluster';
import { highestApiVersion, privateSqlGateway, testSqlGateway, type TestSqlGateway } from './test-sql-gateway';

async function call(url: string, init?: RequestInit): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, text: await response.text() };
}

async function getJson<T>(url: string): Promise<T> {
  const { status, text } = await call(url);
  assert.equal(status, 200, `GET ${url}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

async function openSession(gatewayUrl: string): Promise<string> {
  const { status, text } = await call(`${gatewayUrl}/v3/sessions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionName: 'harness-check' }),
  });
  assert.equal(status, 200, text);
  return (JSON.parse(text) as { sessionHandle: string }).sessionHandle;
}

const minorLine = (version: string): string => version.split('.').slice(0, 2).join('.');

for (const version of clientTestVersions()) {
  // Neither title may start another: the summary finds a suite's skip reason by its title's start.
  describe(`Flink's SQL Gateway in the test harness (Flink ${version ?? 'of the run'})`, function () {
    let gateway: TestSqlGateway;

    before(async function () {
      requireVersionLeg(this, version);
      const shared = await testSqlGateway(version);
      requireSqlGateway(this, shared);
      gateway = shared;
    });

    it('answers /v1/info with its cluster\'s Flink version and lists V4 on 2.x, V3 on 1.20 as its highest REST API', async function () {
      const info = await getJson<{ productName: string; version: string }>(`${gateway.url}/v1/info`);
      assert.deepEqual(info, { productName: 'Apache Flink', version: gateway.cluster.version });
      const { versions } = await getJson<{ versions: string[] }>(`${gateway.url}/api_versions`);
      const expected = gateway.cluster.version.startsWith('1.') ? 'v3' : 'v4';
      assert.equal(highestApiVersion(versions), expected, JSON.stringify(versions));
      assert.equal(gateway.apiVersion, expected);
      if (gateway.jarVersion !== undefined) {
        // Maven Central may lack the cluster's release: then an earlier patch release of its line runs on its jars.
        assert.equal(minorLine(gateway.jarVersion), minorLine(gateway.cluster.version), `flink-sql-gateway ${gateway.jarVersion}`);
        assert.ok(Number(gateway.jarVersion.split('.')[2]) <= Number(gateway.cluster.version.split('.')[2]), `flink-sql-gateway ${gateway.jarVersion}`);
      }
    });

    it('opens sessions configured for its cluster (remote execution at the cluster\'s REST port)', async function () {
      const session = await openSession(gateway.url);
      const { properties } = await getJson<{ properties: Record<string, string> }>(`${gateway.url}/v3/sessions/${session}`);
      if (gateway.cluster.local) {
        assert.equal(properties['rest.port'], new URL(gateway.cluster.url).port);
        assert.equal(properties['execution.target'], 'remote');
      }
      assert.equal((await call(`${gateway.url}/v3/sessions/${session}`, { method: 'DELETE' })).status, 200);
    });

    it('a private gateway, SIGKILLed and started again by restart(), answers on the same URL and has forgotten a session opened before', async function () {
      const own = await privateSqlGateway(this, gateway.cluster);
      const session = await openSession(own.url);
      await getJson(`${own.url}/v3/sessions/${session}`);
      const [url, pid] = [own.url, own.pid];
      await own.restart();
      assert.equal(own.url, url);
      assert.notEqual(own.pid, pid, 'a new JVM');
      assert.equal((await getJson<{ version: string }>(`${own.url}/v1/info`)).version, gateway.cluster.version);
      const { status, text } = await call(`${own.url}/v3/sessions/${session}`);
      assert.notEqual(status, 200);
      assert.match(text, new RegExp(`Session '${session}' does not exist`));
    });
  });
}
