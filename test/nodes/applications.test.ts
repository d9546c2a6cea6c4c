import assert from 'node:assert/strict';
import { FlinkClusterClient } from '../../src';
import { requireApplications, requireVersionLeg } from '../flink/skips';
import { otherLegs, testFlink } from '../flink/test-cluster';
import { applicationRunningWithJobs, cancelApplications } from '../support/applications';
import { startFlinkProxy, type FlinkProxy, type ProxiedRequest } from './flink-proxy';
import { collect, eventually, FLINK_NODES, helper, listingsAt, nextRequests, operationFlow, roundTrip, testFlow, uniqueName, withNodeRed } from './node-harness';

type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TWO_JOBS = 'TwoJobsApplication';
const THROWING_MAIN = 'ThrowingMainApplication';
const HEX_ID = /^[0-9a-f]{32}$/;

/** The application listings the proxy saw (the shared poller lists them with the jobs for the health nodes). */
const applicationListingsAt = (proxy: FlinkProxy): ProxiedRequest[] => proxy.requests.filter((request) => request.path.startsWith('/applications'));

/** A health node that lists every 0.3 s and selects the throwing application by its name (its main class). */
const healthNode = { id: 'health', type: 'flink-job-health', interval: 0.3, sampleInterval: 0.3, nameFilter: THROWING_MAIN, wires: [['out']] };

describe('Nodes on Flink 2.3 applications', function () {
  this.timeout(120_000);
  const suite = withNodeRed();
  let client: FlinkClusterClient;
  /** Applications the tests started: cancelled after the suite. */
  const started: string[] = [];

  before(async function () {
    requireApplications(this, suite.flink);
    client = new FlinkClusterClient({ url: suite.flink.url });
  });

  after(async function () {
    if (client) await cancelApplications(client, started);
    await client?.close();
  });

  /** An application of two jobs with names of this test's own, once both run. */
  async function twoJobApplication(): Promise<{ applicationId: string; names: string[] }> {
    const names = [uniqueName('app-first'), uniqueName('app-second')];
    const applicationId = await client.runJarApplication(suite.flink.jarId, { entryClass: TWO_JOBS, args: names, parallelism: 1 });
    started.push(applicationId);
    await applicationRunningWithJobs(client, applicationId, 2);
    return { applicationId, names };
  }

  describe('flink-run-job as an application', function () {
    it('waits until both jobs of the application run, and outputs its id and theirs', async function () {
      await helper.load(FLINK_NODES, operationFlow(suite.flink.url, { type: 'flink-run-job', jarId: suite.flink.jarId, entryClass: TWO_JOBS, asApplication: true }));
      const names = [uniqueName('run-app-first'), uniqueName('run-app-second')];
      const msg = await roundTrip('n', { programArgs: names }, 'out', 110_000);
      const { applicationId, jobIds } = msg.payload;
      started.push(applicationId);
      assert.match(applicationId, HEX_ID);
      assert.equal(msg.applicationId, applicationId);
      assert.equal(msg.jobId, undefined, 'two jobs: no one msg.jobId');
      assert.equal(msg.payload.status, 'RUNNING');
      assert.equal(msg.payload.name, TWO_JOBS);
      assert.deepEqual(msg.payload.jobs.map((job: Message) => [job.name, job.state]).sort(), names.map((name) => [name, 'RUNNING']).sort());
      assert.deepEqual([...jobIds].sort(), msg.payload.jobs.map((job: Message) => job.jobId).sort());
      const inFlink = await client.getApplication(applicationId);
      assert.deepEqual(inFlink.jobs.map((job) => job.state), ['RUNNING', 'RUNNING']);
    });

    it('with msg.asApplication and a main() of one job, also sets msg.jobId', async function () {
      await helper.load(FLINK_NODES, operationFlow(suite.flink.url, { type: 'flink-run-job', jarId: suite.flink.jarId, entryClass: 'EndlessJob' }));
      const name = uniqueName('run-app-single');
      const msg = await roundTrip('n', { programArgs: [name], asApplication: true }, 'out', 110_000);
      started.push(msg.payload.applicationId);
      assert.equal(msg.applicationId, msg.payload.applicationId);
      assert.deepEqual(msg.payload.jobIds, [msg.jobId]);
      assert.equal((await client.getJobDetails(msg.jobId)).applicationId, msg.applicationId);
    });

    it('a msg.asApplication that is not a boolean is FLINK_INVALID_ARGUMENT, and nothing runs', async function () {
      // Other files run applications on the shared cluster side by side: what this node sent is read from a proxy of its own.
      const proxy = suite.closeAfterTest(await startFlinkProxy(suite.flink.url));
      await helper.load(FLINK_NODES, operationFlow(proxy.url, { type: 'flink-run-job', jarId: suite.flink.jarId, entryClass: TWO_JOBS }));
      const caught = await roundTrip('n', { asApplication: 'yes' }, 'caught');
      assert.equal(caught.error.code, 'FLINK_INVALID_ARGUMENT');
      assert.match(caught.error.message, /msg\.asApplication must be true or false, got "yes"/);
      const sent = proxy.requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path}`);
      assert.deepEqual(sent, [], 'nothing was uploaded or run');
    });

    it('a main() that throws before submitting a job fails with FLINK_OPERATION_FAILED, the application id and its exception', async function () {
      await helper.load(FLINK_NODES, operationFlow(suite.flink.url, {
        type: 'flink-run-job', jarId: suite.flink.jarId, entryClass: THROWING_MAIN, asApplication: true, errorOutput: true,
      }));
      const reason = uniqueName('no jobs today');
      const failed = await roundTrip('n', { programArgs: [reason] }, 'err', 110_000);
      const { error } = failed;
      assert.equal(error.code, 'FLINK_OPERATION_FAILED');
      assert.match(error.applicationId, HEX_ID);
      started.push(error.applicationId);
      assert.match(error.message, new RegExp(`ended FAILED before its jobs were RUNNING: java\\.lang\\.IllegalStateException: ${reason}$`));
      assert.equal(error.failureClass, 'java.lang.IllegalStateException');
      assert.match(error.details, new RegExp(`^java\\.lang\\.IllegalStateException: ${reason}\\n\\tat ${THROWING_MAIN}\\.main\\(`));
      assert.deepEqual((await client.getApplication(error.applicationId)).jobs, [], 'nothing was left running');
    });
  });

  describe('flink-cancel with msg.applicationId', function () {
    it('cancels the application and waits until its jobs are CANCELED', async function () {
      const { applicationId } = await twoJobApplication();
      await helper.load(FLINK_NODES, operationFlow(suite.flink.url, { type: 'flink-cancel' }));
      const msg = await roundTrip('n', { applicationId: applicationId.toUpperCase() }, 'out', 90_000);
      assert.equal(msg.payload.applicationId, applicationId);
      assert.equal(msg.payload.status, 'CANCELED');
      assert.deepEqual(msg.payload.jobs.map((job: Message) => job.state), ['CANCELED', 'CANCELED']);
    });

    it('a malformed msg.applicationId is FLINK_INVALID_ARGUMENT, and the node\'s job keeps running', async function () {
      const { jobId } = await suite.startJob('cancel-app-fallback');
      await helper.load(FLINK_NODES, operationFlow(suite.flink.url, { type: 'flink-cancel', jobId, jobIdType: 'str' }));
      const caught = await roundTrip('n', { applicationId: 'not-an-application' }, 'caught');
      assert.equal(caught.error.code, 'FLINK_INVALID_ARGUMENT');
      assert.match(caught.error.message, /msg\.applicationId must be a Flink application id \(32 hex characters\), got "not-an-application"/);
      assert.equal(await client.getJobStatus(jobId), 'RUNNING');
    });
  });

  describe('flink-list-jobs and flink-job-info', function () {
    it('flink-list-jobs lists applications instead of jobs, with their job counts', async function () {
      const { applicationId } = await twoJobApplication();
      await helper.load(FLINK_NODES, operationFlow(suite.flink.url, { type: 'flink-list-jobs', applications: true, states: ['RUNNING'], nameFilter: TWO_JOBS }));
      const msg = await roundTrip('n', {}, 'out');
      const listed = msg.payload.find((application: Message) => application.applicationId === applicationId);
      assert.ok(listed, 'the application is listed');
      assert.deepEqual({ ...listed, startTime: 0, duration: 0 }, {
        applicationId, name: TWO_JOBS, status: 'RUNNING', startTime: 0, endTime: null, duration: 0, jobCounts: { RUNNING: 2 },
      });
      assert.ok(msg.payload.every((application: Message) => application.status === 'RUNNING' && application.name === TWO_JOBS));
    });

    it('flink-job-info reads an application\'s jobs and exception history', async function () {
      const reason = uniqueName('main gave up');
      const applicationId = await client.runJarApplication(suite.flink.jarId, { entryClass: THROWING_MAIN, args: [reason] });
      await client.waitUntilApplicationEnded(applicationId);
      await helper.load(FLINK_NODES, operationFlow(suite.flink.url, { type: 'flink-job-info', info: 'application' }));
      const msg = await roundTrip('n', { applicationId }, 'out');
      assert.equal(msg.payload.applicationId, applicationId);
      assert.equal(msg.payload.status, 'FAILED');
      assert.deepEqual(msg.payload.jobs, []);
      const [exception] = msg.payload.exceptions;
      assert.deepEqual(exception.rootCause, { class: 'java.lang.IllegalStateException', message: reason });
      assert.match(exception.frames[0], new RegExp(`^at ${THROWING_MAIN}\\.main\\(`));

      const caught = await roundTrip('n', {}, 'caught');
      assert.equal(caught.error.code, 'FLINK_INVALID_ARGUMENT');
      assert.match(caught.error.message, /reading an application needs msg\.applicationId/);
    });
  });

  describe('flink-job-health', function () {
    it('raises application-failed once for a FAILED application it selects, with its root cause', async function () {
      const proxy = suite.closeAfterTest(await startFlinkProxy(suite.flink.url));
      await helper.load(FLINK_NODES, testFlow(proxy.url, [healthNode]));
      const out = collect('out');
      const reason = uniqueName('application gave up');
      const applicationId = await client.runJarApplication(suite.flink.jarId, { entryClass: THROWING_MAIN, args: [reason] });
      const mine = (): Message[] => out.filter((msg) => msg.payload.applicationId === applicationId);
      await eventually(() => mine().length > 0, 'the application-failed incident', 60_000);
      await nextRequests(() => applicationListingsAt(proxy), 3, 'application listings'); // three more looks at the FAILED application
      assert.equal(mine().length, 1, 'one incident, sent once');
      const [msg] = mine();
      assert.equal(msg!.topic, `flink/${THROWING_MAIN}/application-failed`);
      assert.equal(msg!.applicationId, applicationId);
      const { payload } = msg!;
      assert.deepEqual({ ...payload, incidentId: '', since: 0, values: {}, rootCause: {} }, {
        incidentId: '', kind: 'application-failed', event: 'opened', severity: 'critical', jobId: null, jobName: null,
        applicationId, applicationName: THROWING_MAIN, since: 0, values: {}, rootCause: {},
      });
      assert.equal(payload.values.status, 'FAILED');
      assert.equal(payload.rootCause.exceptionClass, 'java.lang.IllegalStateException');
      assert.equal(payload.rootCause.message, reason);
      assert.match(payload.rootCause.frames[0], new RegExp(`^at ${THROWING_MAIN}\\.main\\(`));
    });
  });
});

for (const version of otherLegs()) describe(`Application options of the nodes on Flink ${version ?? ''} (before 2.3)`.trim(), function () {
  this.timeout(120_000);
  const suite = withNodeRed();

  it('flink-run-job as an application is FLINK_UNSUPPORTED naming the version', async function () {
    requireVersionLeg(this, version);
    const flink = await testFlink(version);
    await helper.load(FLINK_NODES, operationFlow(flink.url, { type: 'flink-run-job', jarId: flink.jarId, entryClass: TWO_JOBS, asApplication: true }));
    const caught = await roundTrip('n', {}, 'caught');
    assert.equal(caught.error.code, 'FLINK_UNSUPPORTED');
    assert.equal(caught.applicationId, undefined, 'nothing was sent: no application id');
    assert.match(caught.error.message, new RegExp(`needs Flink 2\\.3 or newer; this cluster runs Flink ${flink.version.replace(/\./g, '\\.')}`));
  });

  it('flink-job-health never asks for applications', async function () {
    requireVersionLeg(this, version);
    const flink = await testFlink(version);
    const proxy = suite.closeAfterTest(await startFlinkProxy(flink.url));
    await helper.load(FLINK_NODES, testFlow(proxy.url, [healthNode]));
    await nextRequests(() => listingsAt(proxy), 3, 'job listings');
    assert.deepEqual(applicationListingsAt(proxy), [], 'three job listings and no application listing');
  });
});
