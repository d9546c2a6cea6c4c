import assert from 'node:assert/strict';
import { trackOwnResources } from './resource-tracker';
import { cancelJob } from '../../dev/flink/job';
import { type TestFlink } from '../flink/test-cluster';
import type { SharedClient } from '../../nodes/lib/cluster/shared-client';
import { startFlinkProxy, type FlinkProxy } from './flink-proxy';
import {
  clusterConfig, collect, eventually, FLINK_NODES, helper, roundTrip, statuses, testFlow, uniqueName, withNodeRed,
} from './node-harness';

function sharedClient(): SharedClient {
  return (helper.getNode('cluster') as unknown as { shared: SharedClient }).shared;
}

/**
 * Each message's outcome (done() or done(err)), seen where Node-RED records it. Recorded on the node itself,
 * so it outlives helper.unload(), which removes the helper's spies before the flow closes.
 */
function completions(nodeId: string): Array<{ error?: { code?: string } }> {
  const node = helper.getNode(nodeId) as unknown as { _complete(msg: unknown, error?: unknown): void };
  const seen: Array<{ error?: { code?: string } }> = [];
  const complete = node._complete.bind(node);
  node._complete = (msg, error) => {
    seen.push(error === undefined ? {} : { error: error as { code?: string } });
    complete(msg, error);
  };
  return seen;
}

describe('cluster sharing and clean shutdown', function () {
  const suite = withNodeRed();
  let flink: TestFlink, proxy: FlinkProxy;
  before(function () { ({ flink } = suite); });

  it('shares one client among the nodes of a cluster: created on first use, closed when the last user closes', async function () {
    proxy = suite.closeAfterTest(await startFlinkProxy(flink.url));
    const flow = testFlow(proxy.url, [
      { id: 'n1', type: 'flink-list-jobs', wires: [['out']] },
      { id: 'n2', type: 'flink-list-jobs', wires: [['out']] },
    ], { noCatch: true });
    await helper.load(FLINK_NODES, flow);
    const shared = sharedClient();
    assert.equal(shared.userCount, 2);
    assert.equal(shared.isOpen, false, 'no client before the first message');
    assert.equal(proxy.openConnections(), 0);

    const out = collect('out');
    helper.getNode('n1')!.receive({});
    helper.getNode('n2')!.receive({});
    await eventually(() => out.length === 2, 'both lists');
    assert.equal(shared.isOpen, true);
    assert.ok(proxy.openConnections() >= 1, 'the pool keeps its connection alive');

    // Deploy the flow without n2: only n2 closes, and the client stays for n1.
    await helper.setFlows(flow.filter((node) => node.id !== 'n2'), 'nodes');
    assert.equal(sharedClient(), shared, 'the config node was not restarted');
    assert.equal(shared.userCount, 1);
    assert.equal(shared.isOpen, true);

    // Deploy without any user: the last user closes, so does the client and its connections.
    await helper.setFlows(flow.filter((node) => node.id !== 'n1' && node.id !== 'n2'), 'nodes');
    assert.equal(shared.userCount, 0);
    assert.equal(shared.isOpen, false);
    await eventually(() => proxy.openConnections() === 0, 'the connections to close', 5_000);
  });

  it('closing a flow mid-savepoint aborts it: the message fails once with FLINK_ABORTED, no socket or timer is left', async function () {
    const jobId = await flink.startJob({ name: uniqueName('nodes-close-mid-savepoint') });
    let unloaded = false;
    try {
      // The savepoint's status requests never get an answer: it is in progress for as long as the test wants.
      proxy = suite.closeAfterTest(await startFlinkProxy(flink.url, { hold: /\/savepoints\/[0-9a-f]{32}$/ }));
      const tracker = trackOwnResources();
      await helper.load(FLINK_NODES, testFlow(proxy.url, [
        { id: 'n', type: 'flink-savepoint', wires: [['out']] },
        { id: 'list', type: 'flink-list-jobs', wires: [['listed']] },
        { id: 'listed', type: 'helper' },
      ]));
      const seen = statuses('n');
      const out = collect('out');
      const outcomes = completions('n');
      helper.getNode('n')!.receive({ jobId });
      await eventually(() => proxy.held() === 1, 'the savepoint to be in progress');
      // Nothing waits for the savepoint: another message to the same node, and another node on the same cluster.
      const rejected = await roundTrip('n', { jobId: 'not-a-job-id' }, 'caught');
      assert.equal(rejected.error.code, 'FLINK_INVALID_ARGUMENT');
      assert.ok(Array.isArray((await roundTrip('list', {}, 'listed')).payload));
      await eventually(() => /^savepoint [1-9]\d*s$/.test(seen[seen.length - 1]?.text ?? ''), 'the blue ring to tick the elapsed time');
      assert.equal(seen[seen.length - 1]?.fill, 'blue');
      assert.ok(tracker.alive().some((r) => r.type === 'Timeout'), 'the tracker sees the running savepoint\'s timers');

      await helper.unload();
      unloaded = true;
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(outcomes.length, 2, 'exactly one outcome for each message');
      assert.equal(outcomes[0]!.error?.code, 'FLINK_INVALID_ARGUMENT');
      assert.equal(outcomes[1]!.error?.code, 'FLINK_ABORTED', 'the savepoint was aborted by the close');
      assert.equal(out.length, 0);
      await eventually(() => proxy.openConnections() === 0 && proxy.held() === 0, 'every connection to close', 5_000);
      // Each timer, immediate and socket the nodes and the client created during the test, by identity, is gone.
      assert.deepEqual(await tracker.leftBehind(5_000), []);
    } finally {
      if (unloaded) await helper.load(FLINK_NODES, []); // the afterEach unload needs something loaded
      await cancelJob(flink.url, jobId);
    }
  });

  it('a closed watch stops polling and leaves no socket or timer', async function () {
    proxy = suite.closeAfterTest(await startFlinkProxy(flink.url));
    const tracker = trackOwnResources();
    await helper.load(FLINK_NODES, testFlow(proxy.url, [
      { id: 'w', type: 'flink-job-watch', interval: 0.1, wires: [['out']] },
    ], { noCatch: true }));
    await eventually(() => proxy.requests.length >= 3, 'a few polls');
    assert.ok(tracker.alive().length > 0, 'the tracker sees the watch\'s timer and connection');
    await helper.unload();
    const polls = proxy.requests.length;
    await eventually(() => proxy.openConnections() === 0, 'the connections to close', 5_000);
    // Once no timer or socket of the package is left, nothing can poll any more.
    assert.deepEqual(await tracker.leftBehind(5_000), []);
    assert.equal(proxy.requests.length, polls, 'no poll after close');
    await helper.load(FLINK_NODES, []);
  });

  it('reports a config that cannot work on every message, without a request', async function () {
    await helper.load(FLINK_NODES, testFlow(clusterConfig('http://localhost:8081', { authType: 'bearer' }), [
      { id: 'n', type: 'flink-list-jobs', wires: [['out']] },
    ]));
    const msg = await roundTrip('n', {}, 'caught');
    assert.equal(msg.error.code, 'FLINK_INVALID_ARGUMENT');
    assert.match(msg.error.message, /Bearer authentication needs a token/);
  });
});
