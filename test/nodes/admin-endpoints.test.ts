import assert from 'node:assert/strict';
import { makeTestCertificates } from '../support/test-certificates';
import { freePort } from '../../dev/flink/cluster';
import { cancelJob } from '../../dev/flink/job';
import { requireSqlGateway } from '../flink/skips';
import { testFlink, type TestFlink } from '../flink/test-cluster';
import { testSqlGateway, type TestSqlGateway } from '../flink/test-sql-gateway';
import { ADMIN, startAdminNodeRed, VIEWER, type AdminNodeRed, type AnswerOf } from './admin-node-red';
import { startStubServer } from '../support/stub-server';
import { startFlinkProxy, type FlinkProxy } from './flink-proxy';
import { uniqueName } from './node-harness';

const PASSWORD = 'pw-admin-endpoint-3f9a7c';
const BASIC = `Basic ${Buffer.from(`ops:${PASSWORD}`).toString('base64')}`;

type Job = { id: string; name: string; state: string; startTime: number | null };
/** What the connection test says of a SQL Gateway. */
type GatewayPart = { version: string; apiVersion: string } | { error: { code: string; message: string } };
type TestAnswer = Record<string, unknown> & { flinkVersion: string; jobsRunning: number; sqlGateway?: GatewayPart };

describe('admin endpoints: the editor\'s job list and connection test, in a Node-RED with adminAuth', function () {
  let flink: TestFlink;
  let red: AdminNodeRed;
  let proxy: FlinkProxy;
  let token: string;
  let jobId: string;
  let jobName: string;
  /** Every answer the endpoints gave: none may contain the password. */
  const answers: AnswerOf[] = [];

  const ask = async (endpoint: 'jobs' | 'test', body: unknown, withToken = token): Promise<AnswerOf> => {
    const answer = await red.post(`flink-cluster/${endpoint}`, body, withToken);
    answers.push(answer);
    return answer;
  };

  before(async function () {
    flink = await testFlink();
    jobName = uniqueName('admin-endpoints');
    jobId = await flink.startJob({ name: jobName });
    proxy = await startFlinkProxy(flink.url, { requireHeaders: { authorization: BASIC } });
    process.env.FLINK_ADMIN_TEST_URL = proxy.url; // Node-RED starts with this environment
    red = await startAdminNodeRed();
    delete process.env.FLINK_ADMIN_TEST_URL;
    token = await red.login(ADMIN);
  });

  after(async function () {
    await red?.stop();
    await proxy?.close();
    if (jobId) await cancelJob(flink.url, jobId);
    for (const answer of answers) assert.ok(!answer.text.includes(PASSWORD), `an answer shows the password: ${answer.text}`);
  });

  it('refuses a request without a token (401) and one from a user who may not deploy (401 too)', async function () {
    for (const endpoint of ['jobs', 'test'] as const) {
      assert.equal((await ask(endpoint, { settings: { url: flink.url } }, '')).status, 401);
    }
    const viewer = await red.login(VIEWER);
    // Node-RED answers 401 for a missing permission as well (editor-api's needsPermission).
    assert.equal((await ask('jobs', { settings: { url: flink.url } }, viewer)).status, 401);
  });

  it('lists the cluster\'s jobs, RUNNING first, with the job the test started', async function () {
    const answer = await ask('jobs', { settings: { url: flink.url } });
    assert.equal(answer.status, 200, answer.text);
    const { jobs } = answer.body as { jobs: Job[] };
    const started = jobs.find((job) => job.id === jobId);
    assert.deepEqual(started && { name: started.name, state: started.state }, { name: jobName, state: 'RUNNING' });
    assert.equal(typeof started?.startTime, 'number');
    const firstOther = jobs.findIndex((job) => job.state !== 'RUNNING');
    assert.ok(firstOther === -1 || jobs.slice(firstOther).every((job) => job.state !== 'RUNNING'), 'RUNNING jobs come first');
  });

  it('tests the connection: version, TaskManagers, slots and job counts as Flink reports them', async function () {
    const answer = await ask('test', { settings: { url: flink.url } });
    assert.equal(answer.status, 200, answer.text);
    const config = await (await fetch(`${flink.url}/config`)).json() as { 'flink-version': string };
    const overview = await (await fetch(`${flink.url}/overview`)).json() as Record<string, number>;
    const body = answer.body as Record<string, unknown>;
    assert.equal(body.flinkVersion, config['flink-version']);
    assert.equal(body.taskManagers, overview.taskmanagers);
    assert.equal(body.slotsTotal, overview['slots-total']);
    assert.ok((body.jobsRunning as number) >= 1, 'the started job runs');
    assert.deepEqual(Object.keys(body).sort(), ['flinkVersion', 'jobsCancelled', 'jobsFailed', 'jobsFinished', 'jobsRunning',
      'slotsAvailable', 'slotsTotal', 'taskManagers']);
  });

  it('gives FLINK_AUTH (502) for a wrong password behind an auth proxy, and lists with the right one', async function () {
    const settings = { url: proxy.url, authType: 'basic' };
    const wrong = await ask('test', { settings, credentials: { username: 'ops', password: `${PASSWORD}-old` } });
    assert.equal(wrong.status, 502, wrong.text);
    assert.equal((wrong.body as { code: string }).code, 'FLINK_AUTH');
    assert.ok(!wrong.text.includes(`${PASSWORD}-old`) && !wrong.text.includes('stack'));
    const right = await ask('jobs', { settings, credentials: { username: 'ops', password: PASSWORD } });
    assert.equal(right.status, 200, right.text);
    assert.ok((right.body as { jobs: Job[] }).jobs.some((job) => job.id === jobId));
  });

  it('gives FLINK_CONNECTION (502) for a URL nothing listens on, and FLINK_INVALID_ARGUMENT (400) for a setting that cannot work', async function () {
    const unreachable = await ask('test', { settings: { url: `http://127.0.0.1:${await freePort()}` } });
    assert.equal(unreachable.status, 502, unreachable.text);
    assert.equal((unreachable.body as { code: string }).code, 'FLINK_CONNECTION');
    const noUrl = await ask('jobs', { settings: { url: '' } });
    assert.equal(noUrl.status, 400, noUrl.text);
    assert.deepEqual(Object.keys(noUrl.body as object).sort(), ['code', 'message']);
    assert.equal((noUrl.body as { code: string }).code, 'FLINK_INVALID_ARGUMENT');
    assert.equal((await ask('jobs', [])).status, 400);
    const badHeaders = await ask('jobs', { settings: { url: flink.url, headers: 'X-Team: ops' } });
    assert.equal(badHeaders.status, 400, badHeaders.text);
    assert.match((badHeaders.body as { message: string }).message, /settings\.headers/);
  });

  it('gives FLINK_INVALID_RESPONSE (502) for a server that answers but is not Flink (a login page)', async function () {
    const loginPage = await startStubServer();
    loginPage.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html><body><form action="/login">Sign in</form></body></html>');
    });
    try {
      for (const endpoint of ['test', 'jobs'] as const) {
        const answer = await ask(endpoint, { settings: { url: loginPage.url } });
        assert.equal(answer.status, 502, answer.text);
        assert.equal((answer.body as { code: string }).code, 'FLINK_INVALID_RESPONSE');
      }
      assert.ok(loginPage.received.length >= 2, 'the requests reached the server');
    } finally {
      await loginPage.close();
    }
  });

  describe('the SQL Gateway in the connection test', function () {
    let gateway: TestSqlGateway | undefined;

    before(async function () {
      gateway = await testSqlGateway();
    });

    it('asks the SQL Gateway the settings name too, with the same authentication: its Flink version and REST API version', async function () {
      requireSqlGateway(this, gateway);
      const gatewayProxy = await startFlinkProxy(gateway.url, { requireHeaders: { authorization: BASIC } });
      try {
        const answer = await ask('test', {
          settings: { url: proxy.url, sqlGatewayUrl: gatewayProxy.url, authType: 'basic' }, credentials: { username: 'ops', password: PASSWORD },
        });
        assert.equal(answer.status, 200, answer.text);
        const body = answer.body as TestAnswer;
        assert.equal(typeof body.flinkVersion, 'string');
        assert.deepEqual(body.sqlGateway, { version: gateway.version, apiVersion: gateway.apiVersion });
        assert.ok(gatewayProxy.requests.length > 0, 'the gateway was asked');
        assert.ok(gatewayProxy.requests.every((request) => request.headers.authorization === BASIC), 'every request to the gateway had the credentials');
      } finally {
        await gatewayProxy.close();
      }
    });

    it('gives the gateway\'s own error for a gateway nothing listens on (FLINK_CONNECTION) or a URL that cannot work (FLINK_INVALID_ARGUMENT), and still the cluster\'s part', async function () {
      const unreachable = await ask('test', { settings: { url: flink.url, sqlGatewayUrl: `http://127.0.0.1:${await freePort()}` } });
      assert.equal(unreachable.status, 200, unreachable.text);
      const body = unreachable.body as TestAnswer;
      assert.equal(typeof body.flinkVersion, 'string');
      assert.ok(body.jobsRunning >= 1, 'the started job runs');
      assert.deepEqual(Object.keys(body.sqlGateway ?? {}), ['error']);
      const { error } = body.sqlGateway as { error: { code: string; message: string } };
      assert.deepEqual(Object.keys(error).sort(), ['code', 'message']);
      assert.equal(error.code, 'FLINK_CONNECTION', error.message);

      const withUser = await ask('test', { settings: { url: flink.url, sqlGatewayUrl: `http://ops:${PASSWORD}@127.0.0.1:8083` } });
      assert.equal(withUser.status, 200, withUser.text);
      const refused = (withUser.body as TestAnswer).sqlGateway as { error: { code: string; message: string } };
      assert.equal(refused.error.code, 'FLINK_INVALID_ARGUMENT');
      assert.match(refused.error.message, /SQL Gateway URL must not contain a user or password/);

      // A blank gateway URL names none: the answer is the cluster's alone.
      const none = await ask('test', { settings: { url: flink.url, sqlGatewayUrl: ' ' } });
      assert.equal(none.status, 200, none.text);
      assert.ok(!('sqlGateway' in (none.body as object)), none.text);
    });
  });

  describe('a deployed cluster with stored credentials', function () {
    const CLUSTER_ID = 'c1a5e0d0c1a5e0d0';
    const ENV_CLUSTER_ID = 'e1a5e0d0c1a5e0d0';
    const GATEWAY_CLUSTER_ID = 'a7e3a7e3c1a5e0d0';
    const TLS_ID = '7153c0f170153c0f';
    let httpsProxy: FlinkProxy;
    /** The run's SQL Gateway behind the same basic auth as the cluster (none under FLINK_URL without a gateway). */
    let gatewayProxy: FlinkProxy | undefined;

    before(async function () {
      const certs = makeTestCertificates();
      httpsProxy = await startFlinkProxy(flink.url, { tls: { cert: certs.serverCert, key: certs.serverKey } });
      const gateway = await testSqlGateway();
      if (gateway) gatewayProxy = await startFlinkProxy(gateway.url, { requireHeaders: { authorization: BASIC } });
      await red.deploy([
        { id: 'f0f0f0f0f0f0f0f0', type: 'tab', label: 'admin endpoints' },
        { id: CLUSTER_ID, type: 'flink-cluster', name: 'behind proxy', url: proxy.url, authType: 'basic', retries: 0,
          credentials: { username: 'ops', password: PASSWORD } },
        { id: ENV_CLUSTER_ID, type: 'flink-cluster', name: 'url from env', url: '${FLINK_ADMIN_TEST_URL}', authType: 'basic',
          credentials: { username: 'ops', password: PASSWORD } },
        ...(gatewayProxy ? [{ id: GATEWAY_CLUSTER_ID, type: 'flink-cluster', name: 'with a gateway', url: proxy.url, sqlGatewayUrl: gatewayProxy.url,
          authType: 'basic', retries: 0, credentials: { username: 'ops', password: PASSWORD } }] : []),
        { id: TLS_ID, type: 'tls-config', name: 'test CA', cert: '', key: '', ca: '', verifyservercert: true, credentials: { cadata: certs.ca } },
      ]);
    });

    after(async function () {
      await httpsProxy?.close();
      await gatewayProxy?.close();
    });

    it('sends the stored password to the deployed SQL Gateway URL only: another gateway URL gets nothing and the gateway\'s part says why', async function () {
      const elsewhere = await startStubServer();
      try {
        const settings = { url: proxy.url, authType: 'basic', sqlGatewayUrl: elsewhere.url };
        const moved = await ask('test', { id: CLUSTER_ID, settings, credentials: { username: 'ops', password: '__PWRD__' } });
        assert.equal(moved.status, 200, moved.text);
        const refused = (moved.body as TestAnswer).sqlGateway as { error: { code: string; message: string } };
        assert.equal(refused.error.code, 'FLINK_INVALID_ARGUMENT');
        assert.match(refused.error.message, /SQL Gateway URL changed: enter the password again/);
        assert.equal(elsewhere.received.length, 0, 'nothing went to the other gateway URL');
        // A password typed in the dialog goes where the dialog says.
        const typed = await ask('test', { id: CLUSTER_ID, settings, credentials: { username: 'ops', password: PASSWORD } });
        assert.equal(typed.status, 200, typed.text);
        assert.ok(elsewhere.received.length > 0, 'the typed password was used with the other gateway URL');
      } finally {
        await elsewhere.close();
      }
    });

    it('uses the stored password for the SQL Gateway URL the config was deployed with', async function () {
      requireSqlGateway(this, gatewayProxy);
      const answer = await ask('test', { id: GATEWAY_CLUSTER_ID, settings: { url: proxy.url, sqlGatewayUrl: gatewayProxy.url, authType: 'basic' },
        credentials: { username: 'ops', password: '__PWRD__' } });
      assert.equal(answer.status, 200, answer.text);
      const part = (answer.body as TestAnswer).sqlGateway;
      assert.ok(part && 'version' in part, answer.text);
      assert.ok(gatewayProxy.requests.length > 0 && gatewayProxy.requests.every((request) => request.headers.authorization === BASIC));
    });

    it('reaches an https Flink through a deployed tls-config node, and refuses one that is not deployed (400)', async function () {
      const answer = await ask('test', { settings: { url: httpsProxy.url, tls: TLS_ID } });
      assert.equal(answer.status, 200, answer.text);
      assert.ok(httpsProxy.requests.length > 0);
      const untrusted = await ask('test', { settings: { url: httpsProxy.url } });
      assert.equal(untrusted.status, 502, untrusted.text);
      assert.equal((untrusted.body as { code: string }).code, 'FLINK_CONNECTION');
      const undeployed = await ask('jobs', { settings: { url: httpsProxy.url, tls: 'new-tls-config' } });
      assert.equal(undeployed.status, 400, undeployed.text);
      assert.match((undeployed.body as { message: string }).message, /not a deployed tls-config node/);
    });

    it('uses the stored password for the editor\'s placeholder (__PWRD__) or an absent one', async function () {
      const settings = { url: proxy.url, authType: 'basic' };
      const placeholder = await ask('jobs', { id: CLUSTER_ID, settings, credentials: { username: 'ops', password: '__PWRD__' } });
      assert.equal(placeholder.status, 200, placeholder.text);
      assert.ok((placeholder.body as { jobs: Job[] }).jobs.some((job) => job.id === jobId));
      const absent = await ask('test', { id: CLUSTER_ID, settings });
      assert.equal(absent.status, 200, absent.text);
    });

    it('refuses to send the stored password to a changed URL (400), and sends a typed one there', async function () {
      const settings = { url: flink.url, authType: 'basic' };
      const moved = await ask('jobs', { id: CLUSTER_ID, settings, credentials: { username: 'ops', password: '__PWRD__' } });
      assert.equal(moved.status, 400, moved.text);
      assert.equal((moved.body as { code: string }).code, 'FLINK_INVALID_ARGUMENT');
      assert.match((moved.body as { message: string }).message, /URL changed: enter the password again/);
      const typed = await ask('jobs', { id: CLUSTER_ID, settings: { url: flink.url }, credentials: { password: 'typed-anew-1234' } });
      assert.equal(typed.status, 200, typed.text);
    });

    it('takes a whole ${NAME} URL from the environment as Node-RED does, so the stored password is used for it', async function () {
      const answer = await ask('jobs', { id: ENV_CLUSTER_ID, settings: { url: '${FLINK_ADMIN_TEST_URL}', authType: 'basic' },
        credentials: { username: 'ops', password: '__PWRD__' } });
      assert.equal(answer.status, 200, answer.text);
      assert.ok((answer.body as { jobs: Job[] }).jobs.some((job) => job.id === jobId));
    });

    it('refuses the placeholder for a config with no stored password (never sends "__PWRD__")', async function () {
      const answer = await ask('jobs', { id: 'never-deployed-id', settings: { url: proxy.url, authType: 'basic' },
        credentials: { username: 'ops', password: '__PWRD__' } });
      assert.equal(answer.status, 400, answer.text);
      assert.ok(!proxy.requests.some((request) => request.headers.authorization?.includes(Buffer.from('ops:__PWRD__').toString('base64'))));
    });
  });
});
