import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { FlinkClusterClient, type JobDetails, type JobResourceRequirements } from '../../src';
import { adaptiveTestFlink } from '../flink/adaptive-cluster';
import { ensureFlinkInstalled } from '../../dev/flink/distribution';
import { buildFixtureJar, cancelJob, uploadJar } from '../../dev/flink/job';
import { requireLocalRun } from '../flink/skips';
import { testFlink, type TestFlink } from '../flink/test-cluster';
import { specViolations } from '../spec/flink-openapi';
import { recordingDispatcher } from '../spec/recording-dispatcher';
import { rejectsWithCode } from '../support/rejects';
import { UNKNOWN_JOB_ID } from '../support/ids';


/** Every vertex of the job at the same parallelism bounds. */
function everyVertexAt(details: JobDetails, lowerBound: number, upperBound: number): JobResourceRequirements {
  return Object.fromEntries(details.vertices.map((vertex) => [vertex.id, { parallelism: { lowerBound, upperBound } }]));
}

/** Polls Flink's job details until every vertex is RUNNING at `parallelism`; returns those details. */
async function verticesRunningAt(client: FlinkClusterClient, jobId: string, parallelism: number, timeoutMs = 90_000): Promise<JobDetails> {
  const deadline = Date.now() + timeoutMs;
  let details = await client.getJobDetails(jobId);
  while (!(details.state === 'RUNNING' && details.vertices.every((v) => v.parallelism === parallelism && v.status === 'RUNNING'))) {
    assert.ok(Date.now() < deadline, `the vertices did not run at parallelism ${parallelism} within ${timeoutMs} ms: ${details.state}, `
      + details.vertices.map((v) => `${v.name} ${v.status} at ${v.parallelism}`).join('; '));
    await sleep(500);
    details = await client.getJobDetails(jobId);
  }
  return details;
}

/**
 * A proxy in front of Flink that forwards the first DELETE, lets Flink answer it, and then resets the
 * client's connection instead of passing the answer on: a delete that took effect but whose answer was lost.
 */
async function resetAfterFirstDelete(flinkUrl: string): Promise<{ url: string; deletesForwarded: () => number; close: () => Promise<void> }> {
  let deletes = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = chunks.length ? Buffer.concat(chunks) : undefined;
        const answer = await fetch(`${flinkUrl}${request.url}`, { method: request.method, body, headers: { 'content-type': request.headers['content-type'] ?? 'application/json' } });
        const text = await answer.text();
        if (request.method === 'DELETE' && ++deletes === 1) {
          request.socket.destroy();
          return;
        }
        response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        response.end(text);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deletesForwarded: () => deletes,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('Jars and rescaling against a real Flink', function () {
  let flink: TestFlink;
  let client: FlinkClusterClient;
  let jarPath: string;
  const recorder = recordingDispatcher();

  before(async function () {
    flink = await testFlink();
    client = new FlinkClusterClient({ url: flink.url, dispatcher: recorder.dispatcher });
    jarPath = await buildFixtureJar(await ensureFlinkInstalled(flink.version));
  });

  after(async function () {
    await client?.close();
    await recorder.close();
  });

  describe('jars', function () {
    it('lists an uploaded jar with its name, upload time and entry classes, deletes it, and no longer lists it', async function () {
      const before = Date.now();
      const jarId = await uploadJar(flink.url, jarPath);
      const listed = (await client.listJars()).find((jar) => jar.id === jarId);
      assert.ok(listed, `GET /jars lists ${jarId}`);
      assert.equal(listed.name, 'fixture-jobs.jar');
      assert.ok(listed.uploaded >= before - 1000 && listed.uploaded <= Date.now() + 1000, `uploaded at ${listed.uploaded}, during this test`);
      assert.ok(listed.entryClasses.includes('EndlessJob'), `entry classes ${listed.entryClasses.join(', ')}`);

      await client.deleteJar(jarId);
      assert.ok(!(await client.listJars()).some((jar) => jar.id === jarId), 'the deleted jar is no longer listed');
      assert.ok((await client.listJars()).some((jar) => jar.id === flink.jarId), 'the shared fixture jar is still there');
    });

    it('deleting a jar the cluster does not have (a second delete) is FLINK_INVALID_ARGUMENT naming it', async function () {
      const jarId = await uploadJar(flink.url, jarPath);
      await client.deleteJar(jarId);
      const err = await rejectsWithCode(client.deleteJar(jarId), 'FLINK_INVALID_ARGUMENT',
        new RegExp(`^Flink has no uploaded jar ${jarId.replace(/\./g, '\\.')} \\(never uploaded to this cluster, or already deleted\\)$`));
      assert.equal(err.status, 400, 'Flink answered 400');
    });

    it('a delete whose answer was lost after Flink deleted the jar is retried and resolves', async function () {
      const jarId = await uploadJar(flink.url, jarPath);
      const proxy = await resetAfterFirstDelete(flink.url);
      const viaProxy = new FlinkClusterClient({ url: proxy.url, retry: { initialDelayMs: 50 } });
      try {
        await viaProxy.deleteJar(jarId);
        assert.equal(proxy.deletesForwarded(), 2, 'the first delete reached Flink, its answer was lost, and the retry reached Flink too');
        assert.ok(!(await client.listJars()).some((jar) => jar.id === jarId), 'Flink no longer has the jar');
      } finally {
        await viaProxy.close();
        await proxy.close();
      }
    });

    it('rejects a malformed jar id before sending anything', async function () {
      const sentBefore = recorder.sent.length;
      await rejectsWithCode(client.deleteJar('../flink-conf.jar'), 'FLINK_INVALID_ARGUMENT', /is not a jar id/);
      await rejectsWithCode(client.deleteJar(42 as unknown as string), 'FLINK_INVALID_ARGUMENT', /a number is not a jar id/);
      assert.equal(recorder.sent.length, sentBefore, 'nothing was sent');
    });
  });

  describe('resource requirements on the default scheduler', function () {
    let jobId: string;

    before(async function () {
      jobId = await flink.startJob({ name: 'rescale-default-scheduler' });
    });

    after(async function () {
      if (jobId) await cancelJob(flink.url, jobId);
    });

    const cannotRescale = /^Job [0-9a-f]{32} runs on Flink's DefaultScheduler, which cannot rescale a job in place: resource requirements need the adaptive scheduler \(jobmanager\.scheduler: adaptive\)\. To change its parallelism, stop it with a savepoint and run it again from that savepoint with the new parallelism$/;

    it('reading them is FLINK_UNSUPPORTED: the job\'s scheduler cannot rescale in place', async function () {
      const err = await rejectsWithCode(client.getResourceRequirements(jobId), 'FLINK_UNSUPPORTED', cannotRescale);
      assert.equal(err.jobId, jobId);
      assert.match(err.details ?? '', /^The DefaultScheduler does not support changing the parallelism without a job restart\./, 'Flink\'s own answer is kept in the details');
    });

    it('setting them is FLINK_UNSUPPORTED, and the job keeps running at its parallelism', async function () {
      const details = await client.getJobDetails(jobId);
      const err = await rejectsWithCode(client.jobClient(jobId).setResourceRequirements(everyVertexAt(details, 2, 2)), 'FLINK_UNSUPPORTED', cannotRescale);
      assert.equal(err.jobId, jobId);
      const after = await client.getJobDetails(jobId);
      assert.equal(after.state, 'RUNNING');
      assert.deepEqual(after.vertices.map((v) => v.parallelism), details.vertices.map(() => 1));
    });

    it('for an unknown job, both are FLINK_JOB_NOT_FOUND', async function () {
      await rejectsWithCode(client.getResourceRequirements(UNKNOWN_JOB_ID), 'FLINK_JOB_NOT_FOUND');
      const requirements = { '0123456789abcdef0123456789abcdef': { parallelism: { lowerBound: 1, upperBound: 1 } } };
      await rejectsWithCode(client.setResourceRequirements(UNKNOWN_JOB_ID, requirements), 'FLINK_JOB_NOT_FOUND');
    });

    it('rejects malformed requirements naming the property, before sending anything', async function () {
      const vertex = '0123456789abcdef0123456789abcdef';
      const sentBefore = recorder.sent.length;
      const cases: Array<[unknown, RegExp]> = [
        [{}, /one entry per job vertex id/],
        [[], /one entry per job vertex id/],
        [{ 'not-a-vertex': { parallelism: { lowerBound: 1, upperBound: 1 } } }, /"not-a-vertex" is not a job vertex id/],
        [{ [vertex]: { parallelism: 2 } }, new RegExp(`${vertex}\\.parallelism must be \\{ lowerBound, upperBound \\}`)],
        [{ [vertex]: { parallelism: { lowerBound: 0, upperBound: 2 } } }, new RegExp(`${vertex}\\.parallelism\\.lowerBound must be a whole number of at least 1, not 0`)],
        [{ [vertex]: { parallelism: { lowerBound: 1, upperBound: 1.5 } } }, new RegExp(`${vertex}\\.parallelism\\.upperBound must be a whole number of at least 1, not 1\\.5`)],
        [{ [vertex]: { parallelism: { lowerBound: 1 } } }, new RegExp(`${vertex}\\.parallelism\\.upperBound must be a whole number of at least 1, not nothing`)],
        [{ [vertex]: { parallelism: { lowerBound: 3, upperBound: 2 } } }, new RegExp(`${vertex}\\.parallelism\\.lowerBound \\(3\\) is above its upperBound \\(2\\)`)],
      ];
      for (const [requirements, message] of cases) {
        await rejectsWithCode(client.setResourceRequirements(jobId, requirements as JobResourceRequirements), 'FLINK_INVALID_ARGUMENT', message);
      }
      assert.equal(recorder.sent.length, sentBefore, 'nothing was sent');
    });
  });

  describe('rescaling on the adaptive scheduler', function () {
    this.timeout(300_000);
    let adaptive: FlinkClusterClient;
    let adaptiveUrl: string;
    let jobId: string;

    before(async function () {
      requireLocalRun(this, 'starts a cluster with the adaptive scheduler');
      const cluster = await adaptiveTestFlink(this);
      adaptiveUrl = cluster.url;
      adaptive = new FlinkClusterClient({ url: cluster.url, dispatcher: recorder.dispatcher });
      jobId = await cluster.startJob({ name: 'rescale-adaptive' });
    });

    after(async function () {
      if (jobId) await cancelJob(adaptiveUrl, jobId);
      await adaptive?.close();
    });

    it('reads each vertex\'s parallelism bounds: the job\'s own vertices, at the parallelism it runs with', async function () {
      const details = await adaptive.getJobDetails(jobId);
      assert.deepEqual(await adaptive.getResourceRequirements(jobId), everyVertexAt(details, 1, 1));
    });

    it('sets the parallelism from 1 to 2, and Flink\'s job details show every vertex running at 2', async function () {
      const job = adaptive.jobClient(jobId);
      const before = await verticesRunningAt(adaptive, jobId, 1);
      await job.setResourceRequirements(everyVertexAt(before, 2, 2));
      assert.deepEqual(await job.getResourceRequirements(), everyVertexAt(before, 2, 2), 'Flink keeps the new requirements');
      const after = await verticesRunningAt(adaptive, jobId, 2);
      assert.deepEqual(after.vertices.map((v) => v.id), before.vertices.map((v) => v.id), 'the same job, rescaled in place');
      assert.equal(after.jobId, jobId);
    });
  });

  // Last in this file, so every request above has been sent by now.
  describe('wire conformance', function () {
    it('every request sent to Flink is allowed by the Flink REST spec of that version', function () {
      const sent = recorder.sent.map((request) => `${request.method} ${request.url.replace(/\?.*/, '')}`);
      for (const expected of [/^GET \/jars$/, /^DELETE \/jars\/[^/]+\.jar$/, /^GET \/jobs\/[0-9a-f]{32}\/resource-requirements$/, /^PUT \/jobs\/[0-9a-f]{32}\/resource-requirements$/]) {
        assert.ok(sent.some((line) => expected.test(line)), `a request ${expected.source} was sent`);
      }
      const problems = recorder.sent.flatMap((request) => specViolations(flink.version, request));
      assert.deepEqual(problems, []);
    });
  });
});
