import assert from 'node:assert/strict';
import type http from 'node:http';
import type { Socket } from 'node:net';
import { FlinkClusterClient, type Progress } from '../../src';
import { caught, flinkUnavailable, json, proxyUnavailable, startStub, stubPerTest, type StubRequest } from '../support/stub-server';

const JOB = '0123456789abcdef0123456789abcdef';
const SERVER_TRIGGER = 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee';
const RETRY = { maxRetries: 1, initialDelayMs: 5, maxDelayMs: 20, multiplier: 2 };
const SAVEPOINT = 'file:/savepoints/savepoint-0123-abcdef';

/** A long operation as the stub sees it: its trigger, its status requests and its final answer. */
interface Operation {
  name: string;
  run(client: FlinkClusterClient, options: { timeoutMs?: number; signal?: AbortSignal; onProgress?: (p: Progress) => void }): Promise<unknown>;
  isTrigger(request: StubRequest): boolean;
  isStatus(request: StubRequest): boolean;
  trigger(request: StubRequest, res: http.ServerResponse): void;
  done: unknown;
  result: unknown;
  /** The error of a status request for a trigger Flink does not know, as real Flink 2.3 / 1.20 answers it. */
  unknownTrigger?(triggerId: string): string;
}

const echoTrigger = (req: StubRequest, res: http.ServerResponse): void => json(res, 202, { 'request-id': (req.body as { triggerId: string }).triggerId });
const savepointStatus = (r: StubRequest): boolean => r.method === 'GET' && new RegExp(`^/jobs/${JOB}/savepoints/[0-9a-f]{32}$`).test(r.url);
const noSavepointTrigger = (triggerId: string): string =>
  `org.apache.flink.runtime.rest.handler.RestHandlerException: There is no savepoint operation with triggerId=${triggerId} for job ${JOB}.\n\tat org.apache.flink.runtime.rest.handler.job.savepoints.SavepointHandlers$SavepointStatusHandler.maybeCreateNotFoundError(SavepointHandlers.java:325)`;
const savepointDone = { status: { id: 'COMPLETED' }, operation: { location: SAVEPOINT } };

const OPERATIONS: Operation[] = [
  {
    name: 'triggerSavepoint', run: (c, o) => c.triggerSavepoint(JOB, o),
    isTrigger: (r) => r.method === 'POST' && r.url === `/jobs/${JOB}/savepoints`, isStatus: savepointStatus,
    trigger: echoTrigger, done: savepointDone, result: SAVEPOINT, unknownTrigger: noSavepointTrigger,
  },
  {
    name: 'stopWithSavepoint', run: (c, o) => c.stopWithSavepoint(JOB, o),
    isTrigger: (r) => r.method === 'POST' && r.url === `/jobs/${JOB}/stop`, isStatus: savepointStatus,
    trigger: echoTrigger, done: savepointDone, result: SAVEPOINT, unknownTrigger: noSavepointTrigger,
  },
  {
    name: 'cancelWithSavepoint', run: (c, o) => c.cancelWithSavepoint(JOB, o),
    isTrigger: (r) => r.method === 'POST' && r.url === `/jobs/${JOB}/savepoints`, isStatus: savepointStatus,
    trigger: echoTrigger, done: savepointDone, result: SAVEPOINT, unknownTrigger: noSavepointTrigger,
  },
  {
    name: 'triggerCheckpoint', run: (c, o) => c.triggerCheckpoint(JOB, o),
    isTrigger: (r) => r.method === 'POST' && r.url === `/jobs/${JOB}/checkpoints`,
    isStatus: (r) => r.method === 'GET' && new RegExp(`^/jobs/${JOB}/checkpoints/[0-9a-f]{32}$`).test(r.url),
    trigger: echoTrigger, done: { status: { id: 'COMPLETED' }, operation: { checkpointId: 42 } }, result: 42,
    unknownTrigger: (triggerId) => `org.apache.flink.runtime.rest.handler.RestHandlerException: There is no checkpoint operation with triggerId=${triggerId} for job ${JOB}.\n\tat org.apache.flink.runtime.rest.handler.job.checkpoints.CheckpointHandlers$CheckpointStatusHandler.maybeCreateNotFoundError(CheckpointHandlers.java:226)`,
  },
  {
    name: 'disposeSavepoint', run: (c, o) => c.disposeSavepoint('/savepoints/sp-1', o),
    isTrigger: (r) => r.method === 'POST' && r.url === '/savepoint-disposal',
    isStatus: (r) => r.method === 'GET' && r.url === `/savepoint-disposal/${SERVER_TRIGGER}`,
    trigger: (_req, res) => json(res, 200, { 'request-id': SERVER_TRIGGER }), done: { status: { id: 'COMPLETED' }, operation: {} }, result: undefined,
  },
  {
    name: 'getJobResult', run: (c, o) => c.getJobResult(JOB, o),
    isTrigger: () => false,
    isStatus: (r) => r.method === 'GET' && r.url === `/jobs/${JOB}/execution-result`,
    trigger: () => assert.fail('no trigger'),
    done: { status: { id: 'COMPLETED' }, 'job-execution-result': { id: JOB, 'application-status': 'SUCCEEDED', 'accumulator-results': {}, 'net-runtime': 5 } },
    result: { jobId: JOB, applicationStatus: 'SUCCEEDED', netRuntimeMs: 5, accumulators: {} },
  },
];

describe('Long operations and a JobManager that goes away (stub server)', function () {
  const t = stubPerTest();

  const serve = (operation: Operation, status: (req: StubRequest, res: http.ServerResponse, socket: Socket, count: number) => void): void => {
    let statusCount = 0;
    t.stub.handle((req, res, socket) => {
      if (operation.isTrigger(req)) operation.trigger(req, res);
      else if (operation.isStatus(req)) status(req, res, socket, ++statusCount);
      else json(res, 404, { errors: [`Not found: ${req.url}`] });
    });
  };

  describe('ride out an outage in the polling phase', function () {
    for (const operation of OPERATIONS) {
      it(`${operation.name}: refused connections, resets, Flink's 503 and a proxy's 503 while polling, then the result`, async function () {
        serve(operation, (_req, res, socket, count) => {
          if (count === 1) json(res, 200, { status: { id: 'IN_PROGRESS' }, operation: null });
          else if (count === 2) {
            // The JobManager dies: this connection is cut and the next ones are refused for a while.
            socket.destroy();
            void t.stub.goDown().then(() => setTimeout(() => void t.stub.comeBack(), 600));
          } else if (count <= 4) flinkUnavailable(res); // the client's own retry of a status request gets one too
          else if (count <= 6) proxyUnavailable(res);
          else json(res, 200, operation.done);
        });
        const progress: Progress[] = [];
        const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY, timeoutMs: 2000 }));
        const result = await operation.run(client, { timeoutMs: 60_000, onProgress: (p) => progress.push(p) });
        assert.deepEqual(result, operation.result);
        const outages = progress.filter((p) => p.outage);
        assert.ok(outages.some((p) => p.outage!.code === 'FLINK_CONNECTION'), 'the refused connections are reported');
        assert.ok(outages.some((p) => p.outage!.code === 'FLINK_SERVER' && /leader election/.test(p.outage!.message)), 'Flink\'s 503 is reported');
        const forMs = outages.map((p) => p.outage!.forMs);
        assert.deepEqual(forMs, [...forMs].sort((a, b) => a - b), 'one outage, growing');
        assert.ok(forMs[forMs.length - 1]! >= 500, `the outage lasted as long as the JobManager was away (${forMs.join(', ')})`);
        assert.equal(progress[progress.length - 1]!.outage, undefined, 'no outage once Flink answers');
      });
    }

    it('ends an outage that outlasts the deadline with FLINK_TIMEOUT saying Flink was unreachable, with the trigger id and job id', async function () {
      const operation = OPERATIONS.find((o) => o.name === 'stopWithSavepoint')!;
      serve(operation, (_req, _res, socket) => socket.destroy());
      const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY, timeoutMs: 2000 }));
      const err = await caught(operation.run(client, { timeoutMs: 1500 }));
      assert.equal(err.code, 'FLINK_TIMEOUT');
      assert.match(err.message, /within 1500 ms: Flink was unreachable for the last \d+ s/);
      const post = t.stub.received.find((r) => operation.isTrigger(r))!;
      assert.equal(err.triggerId, (post.body as { triggerId: string }).triggerId);
      assert.equal(err.jobId, JOB);
    });
  });

  describe('ride out an outage while sending the trigger', function () {
    const triggerIds = (operation: Operation): string[] =>
      t.stub.received.filter((r) => operation.isTrigger(r)).map((r) => (r.body as { triggerId: string }).triggerId);
    /** A client that asked the version already, as a long-lived one has: the outage meets the trigger itself. */
    const knowingItsVersion = async (): Promise<FlinkClusterClient> => {
      const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY, timeoutMs: 2000 }));
      await client.getFlinkVersion();
      return client;
    };
    const jobNotFound = `org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job (${JOB})`;

    for (const operation of OPERATIONS.filter((o) => o.unknownTrigger)) {
      it(`${operation.name}: the JobManager is down when the trigger is sent, then accepts it: one trigger id for every POST, the outage reported, one result`, async function () {
        let triggers = 0;
        let statusRequests = 0;
        const client = await knowingItsVersion();
        await t.stub.goDown();
        setTimeout(() => void t.stub.comeBack(), 700);
        t.stub.handle((req, res) => {
          if (operation.isTrigger(req)) {
            triggers += 1;
            // The new JobManager has no leader at first: Flink's own 503 (to the client's retry too), then it accepts.
            if (triggers <= 2) flinkUnavailable(res);
            else operation.trigger(req, res);
          } else if (operation.isStatus(req)) {
            statusRequests += 1;
            json(res, 200, operation.done);
          } else json(res, 404, { errors: [`Not found: ${req.url}`] });
        });
        const progress: Progress[] = [];
        const result = await operation.run(client, { timeoutMs: 60_000, onProgress: (p) => progress.push(p) });
        assert.deepEqual(result, operation.result);
        const sent = triggerIds(operation);
        assert.equal(sent.length, 3, 'the trigger reached the stub three times: two 503s and the acceptance');
        assert.equal(new Set(sent).size, 1, `every POST carried the same triggerId: ${sent.join(', ')}`);
        assert.equal(statusRequests, 1, 'one operation polled to its result');
        const outages = progress.filter((p) => p.outage);
        assert.ok(outages.some((p) => p.outage!.code === 'FLINK_CONNECTION'), 'the refused connections are reported');
        assert.ok(outages.some((p) => p.outage!.code === 'FLINK_SERVER'), 'Flink\'s 503 is reported');
        assert.ok(outages.every((p) => p.triggerId === sent[0] && p.attempts === 0), 'outage reports name the trigger, before any status request');
        assert.ok(outages[outages.length - 1]!.outage!.forMs >= 500, 'the outage lasted as long as the JobManager was down');
        assert.equal(progress[progress.length - 1]!.outage, undefined, 'no outage once Flink answers');
      });
    }

    // Real Flink (1.15+) accepts a trigger for a job it does not have and fails it in the status; answer either way.
    const forgetsJob = {
      'accepts the trigger, then fails it': (operation: Operation) => (req: StubRequest, res: http.ServerResponse): void => {
        if (operation.isTrigger(req)) operation.trigger(req, res);
        else json(res, 200, { status: { id: 'COMPLETED' }, operation: { 'failure-cause': { class: 'java.util.concurrent.CompletionException', 'stack-trace': `java.util.concurrent.CompletionException: ${jobNotFound}\nCaused by: ${jobNotFound}` } } });
      },
      'answers 404': (operation: Operation) => (req: StubRequest, res: http.ServerResponse): void => {
        if (operation.isTrigger(req)) json(res, 404, { errors: [`org.apache.flink.runtime.rest.handler.RestHandlerException: ${jobNotFound}`] });
        else json(res, 404, { errors: [`Not found: ${req.url}`] });
      },
    };
    const stop = OPERATIONS.find((o) => o.name === 'stopWithSavepoint')!;
    for (const [how, answer] of Object.entries(forgetsJob)) {
      it(`a JobManager that dies with the trigger in flight and comes back without the job (${how}): FLINK_OUTCOME_UNKNOWN, jobState null`, async function () {
        t.stub.handle((_req, _res, socket) => {
          // The JobManager dies while the trigger is in flight, and stays down a while.
          socket.destroy();
          t.stub.handle(answer(stop));
          void t.stub.goDown().then(() => setTimeout(() => void t.stub.comeBack(), 400));
        });
        const client = await knowingItsVersion();
        const err = await caught(stop.run(client, { timeoutMs: 60_000 }));
        const sent = triggerIds(stop);
        assert.equal(new Set(sent).size, 1);
        assert.equal(err.code, 'FLINK_OUTCOME_UNKNOWN', `${err.code}: ${err.message}`);
        assert.equal(err.jobState, null);
        assert.equal(err.triggerId, sent[0]);
        assert.equal(err.jobId, JOB);
        assert.match(err.message, new RegExp(`had no job ${JOB}: the JobManager restarted without high availability and lost the job`));
        assert.match(err.message, new RegExp(`trigger ${sent[0]} may have reached the JobManager that went away: its result is unknown`));
      });
    }

    it('a JobManager that refused the trigger until it came back without the job: FLINK_JOB_NOT_FOUND saying Flink lost it during the outage', async function () {
      const client = await knowingItsVersion();
      await t.stub.goDown();
      setTimeout(() => void t.stub.comeBack(), 400);
      t.stub.handle(forgetsJob['accepts the trigger, then fails it'](stop));
      const err = await caught(stop.run(client, { timeoutMs: 60_000 }));
      assert.equal(err.code, 'FLINK_JOB_NOT_FOUND', `${err.code}: ${err.message}`);
      assert.equal(err.triggerId, triggerIds(stop)[0]);
      assert.match(err.message, /could not be reached when the trigger of stop with savepoint of job \w+ was sent/);
      assert.match(err.message, /lost the job/);
      assert.match(err.message, /The trigger never reached Flink: nothing was started/);
    });

    it('ends a trigger outage that outlasts the deadline with FLINK_TIMEOUT naming the trigger id and that Flink was unreachable', async function () {
      const client = await knowingItsVersion();
      await t.stub.goDown();
      const progress: Progress[] = [];
      const err = await caught(stop.run(client, { timeoutMs: 1500, onProgress: (p) => progress.push(p) }));
      assert.equal(err.code, 'FLINK_TIMEOUT');
      assert.match(err.message, /within 1500 ms: Flink was unreachable for the last \d+ s \(Cannot reach Flink/);
      assert.ok(progress.length > 1 && progress.every((p) => p.outage?.code === 'FLINK_CONNECTION'), 'the outage was reported while the trigger was re-sent');
      assert.ok(err.triggerId && progress.every((p) => p.triggerId === err.triggerId), 'the error names the trigger id every attempt carried');
      assert.match(err.message, new RegExp(`trigger id ${err.triggerId}`));
      assert.equal(err.jobId, JOB);
    });

    it('a client that meets the outage before it knows the version asks again, then sends the trigger', async function () {
      await t.stub.goDown();
      setTimeout(() => void t.stub.comeBack(), 400);
      serve(stop, (_req, res) => json(res, 200, stop.done));
      const progress: Progress[] = [];
      const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY, timeoutMs: 2000 }));
      assert.equal(await stop.run(client, { timeoutMs: 60_000, onProgress: (p) => progress.push(p) }), SAVEPOINT);
      assert.ok(progress.some((p) => p.outage && p.triggerId === undefined), 'the outage was reported before a trigger id was chosen');
      assert.equal(triggerIds(stop).length, 1);
    });

    it('never re-sends a trigger without a client-made id (Flink 1.14) once it may have arrived', async function () {
      const old = await startStub('1.14.6');
      try {
        old.handle((_req, _res, socket) => socket.destroy());
        const client = new FlinkClusterClient({ url: old.url, retry: RETRY });
        const err = await caught(client.stopWithSavepoint(JOB, { timeoutMs: 60_000 })).finally(() => client.close());
        assert.equal(err.code, 'FLINK_CONNECTION');
        assert.equal(old.received.filter((r) => r.method === 'POST').length, 1);
      } finally {
        await old.close();
      }
    });
  });

  describe('a trigger Flink no longer knows', function () {
    for (const operation of OPERATIONS.filter((o) => o.unknownTrigger)) {
      for (const [jobState, jobStatus] of [['RUNNING', 'RUNNING'], [null, undefined]] as const) {
        it(`${operation.name}: FLINK_OUTCOME_UNKNOWN with the trigger id, the job id and jobState ${String(jobState)}`, async function () {
          t.stub.handle((req, res) => {
            if (operation.isTrigger(req)) operation.trigger(req, res);
            else if (operation.isStatus(req)) json(res, 404, { errors: [operation.unknownTrigger!(req.url.split('/').pop()!)] });
            else if (req.url === `/jobs/${JOB}/status`) {
              if (jobStatus) json(res, 200, { status: jobStatus });
              else json(res, 500, { errors: [`org.apache.flink.runtime.rest.handler.RestHandlerException: Job ${JOB} not found\nCaused by: org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job (${JOB})`] });
            } else json(res, 404, { errors: [`Not found: ${req.url}`] });
          });
          const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY }));
          const err = await caught(operation.run(client, {}));
          const triggerId = (t.stub.received.find((r) => operation.isTrigger(r))!.body as { triggerId: string }).triggerId;
          assert.equal(err.code, 'FLINK_OUTCOME_UNKNOWN');
          assert.equal(err.triggerId, triggerId);
          assert.equal(err.jobId, JOB);
          assert.equal(err.jobState, jobState);
          assert.match(err.message, new RegExp(`trigger ${triggerId}`));
          assert.match(err.message, /JobManager lost it \(it restarted without high availability, a new leader took over, or the result expired after rest\.async\.store-duration\)/);
          assert.match(err.message, /is unknown/);
          assert.match(err.message, jobState ? /the job is RUNNING/ : new RegExp(`Flink has no job ${JOB} now`));
        });
      }
    }

    it('getSavepointStatus: FLINK_OUTCOME_UNKNOWN for an unknown trigger of a running job', async function () {
      const triggerId = 'abcdefabcdefabcdefabcdefabcdef00';
      t.stub.handle((req, res) => {
        if (req.url === `/jobs/${JOB}/status`) json(res, 200, { status: 'RUNNING' });
        else json(res, 404, { errors: [noSavepointTrigger(triggerId)] });
      });
      const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY }));
      const err = await caught(client.getSavepointStatus(JOB, triggerId));
      assert.equal(err.code, 'FLINK_OUTCOME_UNKNOWN');
      assert.equal(err.triggerId, triggerId);
      assert.equal(err.jobState, 'RUNNING');
    });

    it('disposeSavepoint: FLINK_OUTCOME_UNKNOWN (not FLINK_UNSUPPORTED) with the trigger id and the savepoint path', async function () {
      const operation = OPERATIONS.find((o) => o.name === 'disposeSavepoint')!;
      serve(operation, (_req, res) => json(res, 404, { errors: ['org.apache.flink.runtime.rest.NotFoundException: Operation not found under key: org.apache.flink.runtime.rest.handler.async.OperationKey@224466a8\n\tat x'] }));
      const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY }));
      const err = await caught(operation.run(client, {}));
      assert.equal(err.code, 'FLINK_OUTCOME_UNKNOWN');
      assert.equal(err.triggerId, SERVER_TRIGGER);
      assert.match(err.message, /savepoint \/savepoints\/sp-1/);
      assert.match(err.message, /JobManager lost it/);
    });

    it('still reports a wrong base path (Flink\'s router 404) as FLINK_UNSUPPORTED', async function () {
      const operation = OPERATIONS.find((o) => o.name === 'triggerCheckpoint')!;
      serve(operation, (req, res) => json(res, 404, { errors: [`Not found: ${req.url}`] }));
      const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY }));
      const err = await caught(operation.run(client, {}));
      assert.equal(err.code, 'FLINK_UNSUPPORTED');
    });
  });

  describe('errors after a trigger may have reached Flink carry triggerId and jobId', function () {
    const savepoint = OPERATIONS[0]!;
    const sentTriggerId = (): string => (t.stub.received.find((r) => savepoint.isTrigger(r))!.body as { triggerId: string }).triggerId;

    it('a trigger whose answer is lost every time until the deadline (FLINK_TIMEOUT)', async function () {
      t.stub.handle((_req, _res, socket) => socket.destroy());
      const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY }));
      const err = await caught(client.triggerSavepoint(JOB, { timeoutMs: 800 }));
      assert.equal(err.code, 'FLINK_TIMEOUT');
      assert.equal(err.triggerId, sentTriggerId());
      assert.equal(err.jobId, JOB);
      assert.match(err.message, new RegExp(`trigger id ${err.triggerId}`));
    });

    it('a detached trigger whose answer is lost', async function () {
      t.stub.handle((req, res, socket) => {
        if (req.url === `/jobs/${JOB}/status`) json(res, 200, { status: 'RUNNING' });
        else socket.destroy();
      });
      const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY }));
      const err = await caught(client.triggerDetachedSavepoint(JOB));
      assert.equal(err.triggerId, sentTriggerId());
      assert.equal(err.jobId, JOB);
    });

    it('an abort while polling (FLINK_ABORTED)', async function () {
      serve(savepoint, (_req, res) => json(res, 200, { status: { id: 'IN_PROGRESS' }, operation: null }));
      const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY }));
      const controller = new AbortController();
      const err = await caught(client.cancelWithSavepoint(JOB, { signal: controller.signal, onProgress: () => controller.abort() }));
      assert.equal(err.code, 'FLINK_ABORTED');
      assert.equal(err.triggerId, sentTriggerId());
      assert.equal(err.jobId, JOB);
    });

    it('a savepoint that Flink failed (FLINK_OPERATION_FAILED)', async function () {
      serve(savepoint, (_req, res) => json(res, 200, { status: { id: 'COMPLETED' }, operation: { 'failure-cause': { class: 'x', 'stack-trace': 'org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint expired before completing.' } } }));
      const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY }));
      const err = await caught(client.triggerSavepoint(JOB));
      assert.equal(err.code, 'FLINK_OPERATION_FAILED');
      assert.equal(err.triggerId, sentTriggerId());
      assert.equal(err.jobId, JOB);
    });

    it('a disposal whose answer is lost names the savepoint path; with no trigger id from Flink, none', async function () {
      t.stub.handle((_req, _res, socket) => socket.destroy());
      const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY }));
      const err = await caught(client.disposeSavepoint('/savepoints/sp-7'));
      assert.equal(err.code, 'FLINK_CONNECTION');
      assert.match(err.message, /savepoint \/savepoints\/sp-7/);
      assert.equal(err.triggerId, undefined);
    });

    it('a disposal that Flink failed carries the trigger id Flink gave', async function () {
      const disposal = OPERATIONS.find((o) => o.name === 'disposeSavepoint')!;
      serve(disposal, (_req, res) => json(res, 200, { status: { id: 'COMPLETED' }, operation: { 'failure-cause': { class: 'x', 'stack-trace': 'java.io.FileNotFoundException: /savepoints/sp-1' } } }));
      const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY }));
      const err = await caught(disposal.run(client, {}));
      assert.equal(err.code, 'FLINK_OPERATION_FAILED');
      assert.equal(err.triggerId, SERVER_TRIGGER);
    });

    it('errors before anything was sent carry neither', async function () {
      const client = t.track(new FlinkClusterClient({ url: t.stub.url, retry: RETRY }));
      const invalid = await caught(client.triggerSavepoint(JOB, { formatType: 'ZIP' as never }));
      assert.equal(invalid.code, 'FLINK_INVALID_ARGUMENT');
      t.stub.configDelayMs = 5000;
      const early = await caught(client.stopWithSavepoint(JOB, { timeoutMs: 200 }));
      assert.equal(early.code, 'FLINK_TIMEOUT');
      for (const err of [invalid, early]) {
        assert.equal(err.triggerId, undefined);
        assert.equal(err.jobId, undefined);
      }
      assert.ok(!t.stub.received.some((r) => r.method === 'POST'));
    });
  });
});
