import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cancelJob, jobOverviews, waitForJobState } from '../../dev/flink/job';
import { projectRoot } from '../../dev/paths';
import { restoredFrom } from '../flink/checkpoint-history';
import { requireVersionLeg } from '../flink/skips';
import { clientTestVersions, testFlink, type TestFlink } from '../flink/test-cluster';
import { startFlinkProxy, type FlinkProxy } from './flink-proxy';
import { FLINK_NODES, helper, roundTrip, statuses, testFlow, uniqueName, withNodeRed } from './node-harness';

type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** CounterJob's checkpoint interval in these tests: short, so a verification passes within a second or two. */
const CHECKPOINT_MS = '500';

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200, `GET ${url}`);
  return await response.json() as T;
}

/**
 * The counter the fixture job's accumulators report: the first value this run counted, and the latest. Tasks report
 * accumulators with their heartbeats, so a job that just started has none yet (or only those of a subtask that
 * counted nothing, Long.MIN/MAX_VALUE): asked again until the counting subtask has reported.
 */
async function counter(flink: TestFlink, jobId: string): Promise<{ first: number; last: number }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { 'user-task-accumulators': accumulators } = await getJson<{ 'user-task-accumulators': Array<{ name: string; value: string }> }>(`${flink.url}/jobs/${jobId}/accumulators`);
    const value = (name: string): number => Number(accumulators.find((a) => a.name === name)?.value);
    const counted = { first: value('counterFirst'), last: value('counterLast') };
    if ((Number.isSafeInteger(counted.first) && Number.isSafeInteger(counted.last)) || Date.now() > deadline) return counted;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The verify step asks Flink about the new job every 0.5 s; up to 2 s more between two asks for a slow machine's timers. */
const ASK_GAP_MS = 2500;

/** The fixture jar as a file (the new jar an upgrade uploads from a Buffer). */
function fixtureJar(flink: TestFlink): Buffer {
  const file = path.join(projectRoot, '.cache', 'jobs', flink.version, 'fixture-jobs.jar');
  assert.ok(existsSync(file), `${file} exists`);
  return readFileSync(file);
}

/** flink-run-job (which records the deployment) and flink-upgrade with its error output, on one cluster config (at `url`: Flink, or a proxy in front of it). */
function deployFlow(flink: TestFlink, upgrade: Record<string, unknown> = {}, url = flink.url): ReturnType<typeof testFlow> {
  return testFlow(url, [
    { id: 'run', type: 'flink-run-job', wires: [['ran']] },
    { id: 'up', type: 'flink-upgrade', errorOutput: true, verifyWindow: 60, wires: [['upgraded'], ['failed']], ...upgrade },
  ], { helpers: ['ran', 'upgraded', 'failed'] });
}

/** Sends `msg` into the upgrade node: its result, or its error output's message. */
async function upgrade(msg: Message): Promise<{ result?: Message; failure?: Message }> {
  const node = helper.getNode('up')!;
  return new Promise((resolve) => {
    helper.getNode('upgraded')!.once('input', (result: Message) => resolve({ result }));
    helper.getNode('failed')!.once('input', (failure: Message) => resolve({ failure }));
    node.receive(msg);
  });
}

function stepsOf(payload: { steps: Array<{ step: string; result: string }> }): string[] {
  return payload.steps.map((s) => `${s.step}:${s.result}`);
}

/**
 * Jobs and jars a test made, cleaned up after it: jobs canceled (the shared cluster has 6 slots), uploaded jars deleted.
 */
function tracked(): { jobs: Set<string>; jars: Set<string>; flink?: TestFlink } {
  const made = { jobs: new Set<string>(), jars: new Set<string>(), flink: undefined as TestFlink | undefined };
  afterEach(async function () {
    const { flink } = made;
    if (!flink) return;
    await Promise.all([...made.jobs].map((jobId) => cancelJob(flink.url, jobId)));
    await Promise.all([...made.jars].map((jarId) => fetch(`${flink.url}/jars/${jarId}`, { method: 'DELETE' }).then((r) => r.arrayBuffer())));
    made.jobs.clear();
    made.jars.clear();
  });
  return made;
}

clientTestVersions().forEach((version, index) => {
  const leg = version ?? 'the run\'s default Flink';
  // Every case on the first version; on the others (1.20), the upgrade that works.
  const fullLeg = index === 0;

  describe(`flink-upgrade against real Flink (${leg})`, function () {
    const suite = withNodeRed();
    const made = tracked();
    let flink: TestFlink;
    before(async function () {
      requireVersionLeg(this, version);
      flink = await testFlink(version);
      made.flink = flink;
    });

    /** Runs CounterJob through flink-run-job (so the plugin records the deployment); returns its id and name. */
    async function deployCounter(prefix: string, checkpointMs = CHECKPOINT_MS): Promise<{ jobId: string; jobName: string }> {
      const jobName = uniqueName(prefix);
      const ran = await roundTrip('run', { jarId: flink.jarId, entryClass: 'CounterJob', programArgs: [jobName, checkpointMs] }, 'ran', 60_000);
      made.jobs.add(ran.payload.jobId);
      await counter(flink, ran.payload.jobId); // until its accumulators show that the counter counted
      return { jobId: ran.payload.jobId, jobName };
    }

    /** A proxy in front of this leg's Flink, closed after the test: it sees every request the nodes send. */
    async function proxied(): Promise<FlinkProxy> {
      return suite.closeAfterTest(await startFlinkProxy(flink.url));
    }

    function track(payload: Message): void {
      for (const id of [payload.newJobId, payload.rollbackJobId, payload.jobId]) if (id) made.jobs.add(id);
      for (const id of [payload.jarId, payload.newJarId]) if (id && id !== flink.jarId) made.jars.add(id);
    }

    it('upgrades a job to a new jar (a Buffer): the new job restores the savepoint, its counter goes on, at a new parallelism', async function () {
      await helper.load(FLINK_NODES, deployFlow(flink));
      const { jobId: oldJobId, jobName } = await deployCounter('upgrade-works');
      const parallelism = 2;
      const old = await getJson<{ vertices: Array<{ parallelism: number }> }>(`${flink.url}/jobs/${oldJobId}`);
      assert.ok(old.vertices.every((v) => v.parallelism !== parallelism), `the old job runs at another parallelism: ${JSON.stringify(old.vertices.map((v) => v.parallelism))}`);
      const shown = statuses('up');
      const { result, failure } = await upgrade({ jobName, payload: fixtureJar(flink), filename: 'counter-v2.jar', parallelism });
      if (result) track(result.payload);
      assert.equal(failure, undefined, JSON.stringify(failure?.error));
      const payload = result!.payload;
      assert.deepEqual(stepsOf(payload), ['stop:ok', 'run:ok', 'verify:ok']);
      assert.equal(payload.oldJobId, oldJobId);
      assert.equal(payload.rolledBack, false);
      assert.equal(payload.jobId, payload.newJobId);
      assert.equal(result!.jobId, payload.newJobId);
      assert.equal(payload.snapshot, 'savepoint');
      assert.notEqual(payload.jarId, flink.jarId, 'the new jar was uploaded');
      assert.ok(shown.some((s) => /^3\/4 verifying/.test(s.text ?? '')), `the status showed the verify step: ${JSON.stringify(shown)}`);
      assert.deepEqual(shown.at(-1), { fill: 'green', shape: 'dot', text: 'upgraded' });

      assert.equal(await waitForJobState(flink.url, oldJobId, ['FINISHED']), 'FINISHED', 'the old job stopped');
      const details = await getJson<{ name: string; state: string; vertices: Array<{ parallelism: number }> }>(`${flink.url}/jobs/${payload.newJobId}`);
      assert.equal(details.state, 'RUNNING');
      assert.equal(details.name, jobName, 'entry class and arguments carried over from the recorded deployment');
      assert.deepEqual(details.vertices.map((v) => v.parallelism), details.vertices.map(() => parallelism), 'Flink runs every vertex at the new parallelism');
      assert.equal(await restoredFrom(flink.url, payload.newJobId), payload.savepoint, 'Flink restored the new job from the stop\'s savepoint');
      const before = await counter(flink, oldJobId);
      const after = await counter(flink, payload.newJobId);
      assert.ok(before.last > 0, 'the old job counted');
      assert.equal(after.first, before.last + 1, 'the keyed counter went on from the savepoint');
      console.log(`      [upgrade] ${version ?? flink.version}: ${payload.steps.map((s: Message) => `${s.step} ${s.durationMs} ms`).join(', ')}`);
    });

    if (!fullLeg) return;

    it('rolls back from a jar that breaks right after start: the previous jar runs again from the same savepoint', async function () {
      await helper.load(FLINK_NODES, deployFlow(flink));
      const { jobId: oldJobId, jobName } = await deployCounter('upgrade-broken');
      const shown = statuses('up');
      const { result, failure } = await upgrade({ jobName, jarId: flink.jarId, entryClass: 'BrokenCounterJob' });
      if (result) track(result.payload);
      assert.equal(failure, undefined, JSON.stringify(failure?.error));
      const payload = result!.payload;
      assert.deepEqual(stepsOf(payload), ['stop:ok', 'run:ok', 'verify:failed', 'cancelNew:ok', 'rollback:ok']);
      assert.equal(payload.rolledBack, true);
      assert.match(payload.rollbackReason, /restarted|RESTARTING|FAILED/);
      assert.match(payload.rollbackReason, /BrokenCounterJob fails on its first record/, 'the reason names the new job\'s failure');
      assert.equal(payload.jobId, payload.rollbackJobId);
      assert.ok(shown.some((s) => /^4\/4 rolling back/.test(s.text ?? '')), `the status showed the rollback: ${JSON.stringify(shown)}`);
      assert.equal(shown.at(-1)?.text, 'rolled back');

      assert.equal(await waitForJobState(flink.url, payload.newJobId, ['CANCELED']), 'CANCELED', 'the broken job was canceled');
      const rollback = await getJson<{ name: string; state: string }>(`${flink.url}/jobs/${payload.rollbackJobId}`);
      assert.equal(rollback.state, 'RUNNING');
      assert.equal(rollback.name, jobName);
      assert.equal(await restoredFrom(flink.url, payload.rollbackJobId), payload.savepoint, 'the rollback started from the same savepoint');
      assert.equal((await counter(flink, payload.rollbackJobId)).first, (await counter(flink, oldJobId)).last + 1, 'with the old job\'s counter');
      console.log(`      [upgrade] rollback: ${payload.steps.map((s: Message) => `${s.step} ${s.durationMs} ms`).join(', ')}`);
    });

    it('verifies a job without checkpoints by watching the whole window for a restart', async function () {
      // Not shorter: Flink's job details, which show the vertices RUNNING, may be 3 s old.
      const proxy = await proxied();
      await helper.load(FLINK_NODES, deployFlow(flink, { verifyWindow: 5 }, proxy.url));
      const { jobName } = await deployCounter('upgrade-no-checkpoints', '0');
      const { result, failure } = await upgrade({ jobName, jarId: flink.jarId });
      if (result) track(result.payload);
      assert.equal(failure, undefined, JSON.stringify(failure?.error));
      const { payload } = result!;
      const verify = payload.steps.find((s: Message) => s.step === 'verify');
      assert.deepEqual({ result: verify.result, checkpointIntervalMs: verify.checkpointIntervalMs }, { result: 'ok', checkpointIntervalMs: null }, verify.error);
      assert.ok(verify.durationMs >= 5000, `watched the whole window (${verify.durationMs} ms)`);
      // Watched, not waited out: Flink was asked about the new job from the window's start to past its end, never
      // more than ASK_GAP_MS between an answer and the next question.
      const verifyEnd = verify.startedAt + verify.durationMs;
      const asked = proxy.requests.filter((r) => r.method === 'GET' && r.path.split('?')[0]!.startsWith(`/jobs/${payload.newJobId}`)
        && r.receivedAt >= verify.startedAt && r.receivedAt <= verifyEnd);
      assert.ok(asked.length > 0, 'the verify step asked Flink about the new job');
      assert.ok(asked[0]!.receivedAt - verify.startedAt <= ASK_GAP_MS, `first asked ${asked[0]!.receivedAt - verify.startedAt} ms into the window`);
      assert.ok(asked.at(-1)!.receivedAt >= verify.startedAt + 5000, `last asked ${asked.at(-1)!.receivedAt - verify.startedAt} ms into the 5 s window`);
      const gaps = asked.slice(1).map((r, i) => r.receivedAt - (asked[i]!.answeredAt ?? asked[i]!.receivedAt));
      assert.ok(Math.max(...gaps) <= ASK_GAP_MS, `the verify step left ${Math.max(...gaps)} ms unwatched (${asked.length} requests)`);
      // The savepoint the result names is the stop's, the new job was run from it, and Flink restored it from there.
      assert.match(payload.savepoint, /^file:\/.+savepoint-/, 'the result names the savepoint');
      assert.equal(payload.steps.find((s: Message) => s.step === 'stop').savepoint, payload.savepoint, 'the stop\'s savepoint');
      const runs = proxy.requests.filter((r) => r.method === 'POST' && /^\/jars\/[^/]+\/run/.test(r.path) && (r.body as Message | undefined)?.jobId === payload.newJobId);
      assert.deepEqual(runs.map((r) => (r.body as Message).savepointPath), [payload.savepoint], 'the new job was run from the savepoint');
      assert.equal(await restoredFrom(flink.url, payload.jobId), payload.savepoint, 'Flink restored the new job from it');
    });

    it('a stop that fails ends the upgrade: the old job keeps RUNNING and nothing else is started', async function () {
      // A directory Flink cannot write makes the savepoint, and so the stop, fail.
      await helper.load(FLINK_NODES, deployFlow(flink, { savepointDir: 'file:///proc/flink-cannot-write-here' }));
      const { jobId: oldJobId, jobName } = await deployCounter('upgrade-stop-fails');
      const { result, failure } = await upgrade({ jobName, payload: fixtureJar(flink), filename: 'never-run.jar' });
      if (result) track(result.payload);
      assert.equal(result, undefined, 'no result');
      const { error } = failure!;
      assert.equal(error.code, 'FLINK_OPERATION_FAILED');
      assert.match(error.message, /stop with savepoint .* failed, so nothing was upgraded/);
      assert.equal(error.jobId, oldJobId);
      assert.match(error.triggerId, /^[0-9a-f]{32}$/, 'the stop\'s trigger id');
      assert.deepEqual(stepsOf(error.report), ['stop:failed']);
      assert.equal(error.report.newJobId, undefined);

      // Other test files run jobs on the shared cluster side by side: only the jobs of this name tell.
      const named = (await jobOverviews(flink.url)).filter((job) => job.name === jobName);
      assert.deepEqual(named.map((job) => [job.jid, job.state]), [[oldJobId, 'RUNNING']], 'no job of its name was started, and the old one still runs');
      const jars = await getJson<{ files: Array<{ id: string; name: string }> }>(`${flink.url}/jars`);
      const left = jars.files.filter((f) => f.name === 'never-run.jar');
      for (const jar of left) made.jars.add(jar.id);
      assert.deepEqual(left, [], 'the jar it uploaded and never ran was deleted');
    });

    it('refuses before any stop when no previous jar is known (a job this plugin did not deploy)', async function () {
      const proxy = await proxied();
      await helper.load(FLINK_NODES, deployFlow(flink, {}, proxy.url));
      const jobName = uniqueName('upgrade-unknown');
      const oldJobId = await flink.startJob({ name: jobName, fixture: { entryClass: 'CounterJob', args: [CHECKPOINT_MS] } });
      made.jobs.add(oldJobId);
      const { result, failure } = await upgrade({ jobName, jarId: flink.jarId });
      if (result) track(result.payload);
      assert.equal(failure?.error.code, 'FLINK_INVALID_ARGUMENT');
      assert.match(failure!.error.message, /No previous jar is known .*msg\.previous.*rollback off/);
      const stops = proxy.requests.filter((r) => r.method === 'POST' && r.path.split('?')[0] === `/jobs/${oldJobId}/stop`);
      assert.equal(stops.length, 0, 'no stop was sent to Flink');
      assert.deepEqual(proxy.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`), [], 'nothing but reads reached Flink');

      // Other test files run jobs on the shared cluster side by side: only the jobs of this name tell.
      const named = (await jobOverviews(flink.url)).filter((job) => job.name === jobName);
      assert.deepEqual(named.map((job) => [job.jid, job.state]), [[oldJobId, 'RUNNING']], 'no job of its name started, and the old one still runs');
      const stats = await getJson<{ latest: { savepoint: unknown } ; counts: { total: number } }>(`${flink.url}/jobs/${oldJobId}/checkpoints`);
      assert.equal(stats.latest.savepoint, null, 'no savepoint was taken');
    });
  });
});

describe('flink-upgrade refuses malformed input before it touches the job', function () {
  const suite = withNodeRed();
  const cases: Array<[string, Message, RegExp]> = [
    ['msg.savepointPath (the upgrade takes its own)', { savepointPath: 'file:/old' }, /msg\.savepointPath is not used by an upgrade/],
    ['a malformed msg.previous', { previous: { jarId: 'not a jar id' } }, /msg\.previous\.jarId must be an uploaded jar's id/],
    ['an unknown property in msg.previous', { previous: { jarId: 'x_old.jar', jar: 'x' } }, /msg\.previous has "jar"/],
    ['claim mode CLAIM with rollback on', { claimMode: 'CLAIM' }, /CLAIM lets Flink delete the savepoint a rollback starts from/],
    ['a malformed msg.rollback', { rollback: 'no' }, /msg\.rollback must be/],
  ];
  for (const [what, extra, message] of cases) {
    it(`refuses ${what}`, async function () {
      await helper.load(FLINK_NODES, testFlow(suite.flink.url, [
        { id: 'up', type: 'flink-upgrade', errorOutput: true, wires: [['upgraded'], ['failed']] },
      ], { helpers: ['upgraded', 'failed'] }));
      const { failure } = await upgrade({ jobId: 'c'.repeat(32), jarId: 'x_new.jar', ...extra });
      assert.equal(failure?.error.code, 'FLINK_INVALID_ARGUMENT');
      assert.match(failure!.error.message, message);
    });
  }
});
