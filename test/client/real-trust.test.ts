import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FlinkClusterClient, newJobId } from '../../src';
import { cancelJob, ENDLESS_JOB_CLASS } from '../../dev/flink/job';
import { clientTestVersions, testFlink, type TestFlink } from '../flink/test-cluster';
import { requireVersionLeg } from '../flink/skips';
import { FAST_RETRY } from '../support/retry';
import { caught } from '../support/stub-server';
import { uniqueName, UNKNOWN_JOB_ID as UNKNOWN_JOB, UNKNOWN_TRIGGER_ID as UNKNOWN_TRIGGER } from '../support/ids';

/**
 * A pass-through proxy in front of the real Flink that loses Flink's answer to the first request `drop`
 * picks: Flink acted on it, the client never hears so.
 */
async function answerLosingProxy(target: string, drop: (method: string, url: string) => boolean): Promise<{ url: string; seen: Array<{ method: string; url: string; body: string }>; close(): Promise<void> }> {
  const seen: Array<{ method: string; url: string; body: string }> = [];
  let dropped = false;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? '', url: req.url ?? '', body: body.toString('utf8') });
      const upstream = http.request(`${target}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (answer) => {
        const answerChunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
        answer.on('end', () => {
          if (!dropped && drop(req.method ?? '', req.url ?? '')) {
            dropped = true;
            req.socket.destroy();
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(answerChunks));
        });
      });
      upstream.on('error', () => req.socket.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

for (const version of clientTestVersions()) describe(`Client trust on a real Flink ${version ?? ''}`.trim(), function () {
  let flink: TestFlink;
  let client: FlinkClusterClient;
  const started: string[] = [];

  before(async function () {
    requireVersionLeg(this, version);
    flink = await testFlink(version);
    client = new FlinkClusterClient({ url: flink.url });
  });

  after(async function () {
    for (const jobId of started) await cancelJob(flink.url, jobId);
    await client?.close();
  });

  describe('a jar run retried after its answer was lost', function () {
    let jobId: string;

    it('resolves to the one job Flink started, under the job id the client made', async function () {
      // A name of this run's own: an external cluster (FLINK_URL) still lists the jobs of earlier runs.
      const name = uniqueName('client-trust-retried-run');
      const proxy = await answerLosingProxy(flink.url, (method, url) => method === 'POST' && url.endsWith('/run'));
      const viaProxy = new FlinkClusterClient({ url: proxy.url, retry: FAST_RETRY });
      try {
        jobId = await viaProxy.runJar(flink.jarId, { entryClass: ENDLESS_JOB_CLASS, args: [name, '0'], parallelism: 1 });
        started.push(jobId);
      } finally {
        await viaProxy.close();
        await proxy.close();
      }
      const runs = proxy.seen.filter((r) => r.method === 'POST' && r.url.endsWith('/run'));
      assert.equal(runs.length, 2, 'the lost submission was sent again');
      const sentIds = runs.map((r) => (JSON.parse(r.body) as { jobId: string }).jobId);
      assert.equal(sentIds[1], sentIds[0]);
      assert.equal(jobId, sentIds[0]);
      const named = (await client.listJobs()).filter((job) => job.jobName === name);
      assert.deepEqual(named.map((job) => job.jobId), [jobId], 'Flink runs exactly one such job, with that id');
    });

    it('reports a job id that is already taken as FLINK_CONFLICT, and starts nothing', async function () {
      assert.ok(jobId, 'the previous test started the job');
      const before = (await client.listJobs()).length;
      const err = await caught(client.runJar(flink.jarId, { entryClass: ENDLESS_JOB_CLASS, args: ['client-trust-taken-id', '0'], parallelism: 1, jobId }));
      assert.equal(err.code, 'FLINK_CONFLICT', err.message);
      assert.equal(err.jobId, jobId);
      assert.equal((await client.listJobs()).length, before);
    });

    it('runs a job under the id the caller chose', async function () {
      const chosen = newJobId();
      const jobId = await client.runJar(flink.jarId, { entryClass: ENDLESS_JOB_CLASS, args: ['client-trust-chosen-id', '0'], parallelism: 1, jobId: chosen });
      started.push(jobId);
      assert.equal(jobId, chosen);
      assert.equal((await client.getJobDetails(chosen)).jobName, 'client-trust-chosen-id');
    });
  });

  describe('a savepoint trigger Flink does not know', function () {
    it('of a running job: FLINK_OUTCOME_UNKNOWN with the job\'s state as Flink reports it', async function () {
      const jobId = await flink.startJob({ name: 'client-trust-unknown-trigger' });
      const err = await caught(client.getSavepointStatus(jobId, UNKNOWN_TRIGGER));
      assert.equal(err.code, 'FLINK_OUTCOME_UNKNOWN', err.message);
      assert.equal(err.triggerId, UNKNOWN_TRIGGER);
      assert.equal(err.jobId, jobId);
      assert.equal(err.jobState, await client.getJobStatus(jobId));
      assert.equal(err.jobState, 'RUNNING');
      assert.match(err.message, /JobManager lost it/);
      await cancelJob(flink.url, jobId);
    });

    it('of a job Flink does not have: FLINK_OUTCOME_UNKNOWN with jobState null', async function () {
      const err = await caught(client.getSavepointStatus(UNKNOWN_JOB, UNKNOWN_TRIGGER));
      assert.equal(err.code, 'FLINK_OUTCOME_UNKNOWN', err.message);
      assert.equal(err.jobState, null);
      assert.match(err.message, new RegExp(`Flink has no job ${UNKNOWN_JOB} now`));
    });
  });
});
