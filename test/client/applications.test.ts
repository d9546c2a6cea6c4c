import assert from 'node:assert/strict';
import { FlinkClusterClient } from '../../src';
import { otherLegs, testFlink, type TestFlink } from '../flink/test-cluster';
import { requireApplications, requireVersionLeg } from '../flink/skips';
import { startFlinkProxy } from '../nodes/flink-proxy';
import { specViolations } from '../spec/flink-openapi';
import { recordingDispatcher } from '../spec/recording-dispatcher';
import { rejectsWithCode } from '../support/rejects';
import { uniqueName, UNKNOWN_APPLICATION_ID } from '../support/ids';
import { applicationRunningWithJobs, cancelApplications } from '../support/applications';
import { FAST_RETRY } from '../support/retry';

const TWO_JOBS = 'TwoJobsApplication';
const THROWING_MAIN = 'ThrowingMainApplication';

describe('Applications (Flink 2.3) against a real Flink', function () {
  let flink: TestFlink;
  let client: FlinkClusterClient;
  const recorder = recordingDispatcher();
  const started: string[] = [];

  before(async function () {
    flink = await testFlink();
    requireApplications(this, flink);
    client = new FlinkClusterClient({ url: flink.url, dispatcher: recorder.dispatcher });
  });

  after(async function () {
    if (client) await cancelApplications(client, started);
    await client?.close();
    await recorder.close();
  });

  describe('a main() that submits two jobs', function () {
    let applicationId: string;
    const names = [uniqueName('application-first'), uniqueName('application-second')];

    it('runs as one application that lists both jobs, both RUNNING and naming it', async function () {
      applicationId = await client.runJarApplication(flink.jarId, { entryClass: TWO_JOBS, args: names, parallelism: 1 });
      started.push(applicationId);
      assert.match(applicationId, /^[0-9a-f]{32}$/);

      const details = await applicationRunningWithJobs(client, applicationId, 2);
      assert.equal(details.applicationId, applicationId);
      assert.equal(details.name, TWO_JOBS);
      assert.equal(details.status, 'RUNNING');
      assert.equal(details.endTime, null);
      assert.ok((details.timestamps.RUNNING ?? 0) > 0, 'when it started running');
      assert.deepEqual(details.jobs.map((job) => job.jobName).sort(), [...names].sort());
      assert.deepEqual(details.jobs.map((job) => job.state), ['RUNNING', 'RUNNING']);

      const listed = (await client.listApplications()).find((application) => application.applicationId === applicationId);
      assert.ok(listed, 'GET /applications/overview lists it');
      assert.equal(listed.status, 'RUNNING');
      assert.deepEqual(listed.jobCounts, { RUNNING: 2 });

      const jobs = (await client.listJobs()).filter((job) => names.includes(job.jobName));
      assert.deepEqual(jobs.map((job) => job.jobId).sort(), details.jobs.map((job) => job.jobId).sort(), 'the cluster runs just these two');
      for (const job of details.jobs) assert.equal((await client.getJobDetails(job.jobId)).applicationId, applicationId);
    });

    it('cancelling the application cancels both its jobs, and their results name the application', async function () {
      assert.ok(applicationId, 'the previous test started the application');
      await client.cancelApplication(applicationId);
      const ended = await client.waitUntilApplicationEnded(applicationId);
      assert.equal(ended.status, 'CANCELED');
      assert.deepEqual(ended.jobs.map((job) => job.state), ['CANCELED', 'CANCELED']);
      const result = await client.getJobResult(ended.jobs[0]!.jobId);
      assert.equal(result.applicationId, applicationId);
      assert.equal(result.applicationStatus, 'CANCELED');
      await rejectsWithCode(client.cancelApplication(applicationId), 'FLINK_CONFLICT',
        new RegExp(`^Application ${applicationId} already ended CANCELED: there is nothing to cancel$`));
    });
  });

  describe('a main() that throws before submitting any job', function () {
    it('fails the application with the exception in its history, and leaves nothing running', async function () {
      const message = uniqueName('main refuses to start');
      const applicationId = await client.runJarApplication(flink.jarId, { entryClass: THROWING_MAIN, args: [message] });
      started.push(applicationId);

      const err = await rejectsWithCode(client.waitUntilApplicationRunning(applicationId), 'FLINK_OPERATION_FAILED',
        new RegExp(`^Application ${applicationId} ended FAILED before its jobs were RUNNING: java\\.lang\\.IllegalStateException: ${message}$`));
      assert.equal(err.applicationId, applicationId);
      assert.equal(err.failureClass, 'java.lang.IllegalStateException');
      assert.match(err.details ?? '', new RegExp(`^java\\.lang\\.IllegalStateException: ${message}\\n\\tat ${THROWING_MAIN}\\.main\\(`));

      const [entry, ...more] = await client.getApplicationExceptions(applicationId);
      assert.ok(entry, 'the exception history has the failure of main()');
      assert.deepEqual(more, []);
      assert.equal(entry.exceptionName, 'org.apache.flink.client.deployment.application.ApplicationExecutionException');
      assert.equal(entry.message, 'Could not execute application.');
      assert.deepEqual(entry.rootCause, { class: 'java.lang.IllegalStateException', message });
      assert.match(entry.frames[0] ?? '', new RegExp(`^at ${THROWING_MAIN}\\.main\\(${THROWING_MAIN}\\.java:\\d+\\)$`));
      assert.ok(entry.frames.length <= 5);
      assert.equal(entry.jobId, undefined, 'main() failed, not a job');
      assert.ok((entry.timestamp ?? 0) > 0);

      const details = await client.getApplication(applicationId);
      assert.equal(details.status, 'FAILED');
      assert.deepEqual(details.jobs, [], 'it submitted no job');
    });
  });

  describe('a run whose answer was lost', function () {
    it('is sent again under the same application id and starts one application', async function () {
      const names = [uniqueName('lost-answer-first'), uniqueName('lost-answer-second')];
      const proxy = await startFlinkProxy(flink.url, { dropAnswerOnce: (request) => request.method === 'POST' && request.path.endsWith('/run-application') });
      const viaProxy = new FlinkClusterClient({ url: proxy.url, retry: FAST_RETRY });
      let applicationId: string;
      try {
        applicationId = await viaProxy.runJarApplication(flink.jarId, { entryClass: TWO_JOBS, args: names, parallelism: 1 });
        started.push(applicationId);
      } finally {
        await viaProxy.close();
        await proxy.close();
      }
      const runs = proxy.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/run-application'));
      assert.equal(runs.length, 2, 'the lost submission was sent again');
      assert.deepEqual(runs.map((run) => (run.body as { applicationId: string }).applicationId), [applicationId, applicationId]);
      assert.match(runs[1]!.answer?.body ?? '', /DuplicateApplicationSubmissionException/, 'Flink refused the second as the same application');

      const details = await applicationRunningWithJobs(client, applicationId, 2);
      const jobs = (await client.listJobs()).filter((job) => names.includes(job.jobName));
      assert.equal(jobs.length, 2, 'one application\'s two jobs, not two applications\' four');
      assert.deepEqual(jobs.map((job) => job.jobId).sort(), details.jobs.map((job) => job.jobId).sort());
    });
  });

  describe('ids', function () {
    it('an application Flink does not have is FLINK_APPLICATION_NOT_FOUND naming it', async function () {
      for (const call of [
        () => client.getApplication(UNKNOWN_APPLICATION_ID), () => client.getApplicationExceptions(UNKNOWN_APPLICATION_ID),
        () => client.cancelApplication(UNKNOWN_APPLICATION_ID),
      ]) {
        const err = await rejectsWithCode(call(), 'FLINK_APPLICATION_NOT_FOUND', new RegExp(`^Flink has no application ${UNKNOWN_APPLICATION_ID}$`));
        assert.equal(err.applicationId, UNKNOWN_APPLICATION_ID);
      }
    });

    it('a malformed application id is FLINK_INVALID_ARGUMENT, and nothing is sent', async function () {
      const sentBefore = recorder.sent.length;
      await rejectsWithCode(client.getApplication('not-an-id'), 'FLINK_INVALID_ARGUMENT', /"not-an-id" is not a Flink application id/);
      await rejectsWithCode(client.cancelApplication(''), 'FLINK_INVALID_ARGUMENT', /An application id is required/);
      await rejectsWithCode(client.runJarApplication(flink.jarId, { applicationId: 'xyz' }), 'FLINK_INVALID_ARGUMENT', /"xyz" is not a Flink application id/);
      assert.equal(recorder.sent.length, sentBefore);
    });
  });

  describe('wire conformance', function () {
    it('every request it sent is allowed by the Flink REST spec of that version', function () {
      assert.ok(recorder.sent.some((request) => request.url.endsWith('/run-application')), 'application runs were recorded');
      assert.deepEqual(recorder.sent.flatMap((request) => specViolations(flink.version, request)), []);
    });
  });
});

for (const version of otherLegs()) describe(`Applications on a real Flink ${version ?? ''} (before 2.3)`.trim(), function () {
  let flink: TestFlink;
  let client: FlinkClusterClient;
  const recorder = recordingDispatcher();

  before(async function () {
    requireVersionLeg(this, version);
    flink = await testFlink(version);
    client = new FlinkClusterClient({ url: flink.url, dispatcher: recorder.dispatcher });
  });

  after(async function () {
    await client?.close();
    await recorder.close();
  });

  it('every application call is FLINK_UNSUPPORTED naming the version, and nothing but the version is asked', async function () {
    const id = UNKNOWN_APPLICATION_ID;
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['GET /applications/overview', () => client.listApplications()],
      ['GET /applications/:applicationid', () => client.getApplication(id)],
      ['GET /applications/:applicationid/exceptions', () => client.getApplicationExceptions(id)],
      ['POST /applications/:applicationid/cancel', () => client.cancelApplication(id)],
      ['POST /jars/:jarid/run-application', () => client.runJarApplication(flink.jarId, { entryClass: TWO_JOBS })],
      ['GET /applications/:applicationid', () => client.waitUntilApplicationRunning(id)],
    ];
    for (const [endpoint, call] of calls) {
      const err = await rejectsWithCode(call(), 'FLINK_UNSUPPORTED',
        new RegExp(`^${endpoint.replace(/\//g, '\\/')} needs Flink 2\\.3 or newer; this cluster runs Flink ${flink.version.replace(/\./g, '\\.')}$`));
      if (endpoint.endsWith('/run-application')) assert.equal(err.applicationId, undefined, 'nothing was sent: no application id');
    }
    assert.deepEqual(recorder.sent.map((request) => request.url), ['/config']);
  });
});
