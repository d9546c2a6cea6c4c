import assert from 'node:assert/strict';
import { FlinkClusterClient } from '../../src';
import type { JobListing } from '../../nodes/lib/jobs/job-list-poller';
import { SharedClient } from '../../nodes/lib/cluster/shared-client';
import { startFlinkProxy, type FlinkProxy } from './flink-proxy';
import {
  collect, eventually, FLINK_NODES, helper, listingsAt, nextRequests, statuses, testFlow, withNodeRed, type FlowNode,
} from './node-harness';
import { trackOwnResources } from './resource-tracker';

/** Five watch nodes on one cluster, as a dashboard flow would have them: every 1 s, 2 s, 2 s, 5 s and 5 s. */
const WATCHES = [
  { id: 'w1', interval: 1 }, { id: 'w2', interval: 2 }, { id: 'w3', interval: 2 }, { id: 'w4', interval: 5 }, { id: 'w5', interval: 5 },
];
/** Listings per second the five would make polling alone: one per interval each (1 + 0.5 + 0.5 + 0.2 + 0.2). */
const ALONE_PER_SECOND = WATCHES.reduce((sum, { interval }) => sum + 1 / interval, 0);

function watchFlow(url: string, watch: (id: string) => Record<string, unknown> = () => ({})): FlowNode[] {
  return testFlow(url, WATCHES.map(({ id, interval }) => ({ id, type: 'flink-job-watch', interval, wires: [[`out-${id}`]], ...watch(id) })),
    { helpers: WATCHES.map(({ id }) => `out-${id}`) });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('one job-list poller per cluster config', function () {
  const suite = withNodeRed();
  let proxy: FlinkProxy;
  const listings = (): number => listingsAt(proxy).length;
  const shared = (): SharedClient => (helper.getNode('cluster') as unknown as { shared: SharedClient }).shared;
  /** Waits until every watch node has shown a listing's result. */
  const allListed = async (): Promise<void> => {
    const seen = WATCHES.map(({ id }) => statuses(id));
    await eventually(() => seen.every((list) => list.some((status) => status.fill === 'green')), 'a listing on every watch node');
  };

  beforeEach(async function () {
    proxy = suite.closeAfterTest(await startFlinkProxy(suite.flink.url));
  });

  it('five watch nodes cost one listing per shortest interval, not one per node', async function () {
    await helper.load(FLINK_NODES, watchFlow(proxy.url));
    await allListed();
    assert.equal(shared().jobList.subscriberCount, 5);
    const before = listings();
    await sleep(6000);
    const perSecond = (listings() - before) / 6;
    assert.ok(perSecond >= 0.5, `the shared poller lists (${perSecond}/s)`);
    assert.ok(perSecond <= 1.5, `${perSecond} listings/s: one poller at the shortest interval (1 s), not ${ALONE_PER_SECOND.toFixed(1)}/s for five alone`);
  });

  it('each node keeps its own filters and reports a cancelled job once', async function () {
    const { jobId, jobName } = await suite.startJob('nodes-shared-poller');
    // w5 watches another name: the same listings reach it, its filter keeps the cancelled job out.
    await helper.load(FLINK_NODES, watchFlow(proxy.url, (id) => ({ nameFilter: id === 'w5' ? `${jobName}-other` : jobName, states: 'CANCELED' })));
    const out = Object.fromEntries(WATCHES.map(({ id }) => [id, collect(`out-${id}`)]));
    await allListed();
    const client = new FlinkClusterClient({ url: suite.flink.url });
    try {
      await client.cancel(jobId);
    } finally {
      await client.close();
    }
    const selecting = ['w1', 'w2', 'w3', 'w4'];
    await eventually(() => selecting.every((id) => out[id]!.length > 0), 'every selecting node to report CANCELED', 30_000);
    // A few more listings, each to every node (the next is asked for once all had the one before): nothing is reported twice.
    await nextRequests(() => listingsAt(proxy), 3, 'listings', 30_000);
    for (const id of selecting) {
      assert.deepEqual(out[id]!.map((msg) => [msg.jobId, msg.payload.state]), [[jobId, 'CANCELED']], `${id} reports the change once`);
    }
    assert.deepEqual(out.w5, [], 'w5\'s filter does not select the job');
  });

  it('a redeploy that removes every watch node stops the listings, with no timer or socket left', async function () {
    const flow = watchFlow(proxy.url);
    await helper.load(FLINK_NODES, flow);
    await allListed();
    const tracker = trackOwnResources();
    const jobList = shared().jobList;
    await helper.setFlows(flow.filter((node) => node.type !== 'flink-job-watch'), 'nodes');
    assert.equal(shared().jobList, jobList, 'the config node was not restarted');
    assert.equal(jobList.subscriberCount, 0);
    assert.equal(jobList.isPolling, false);
    const after = listings();
    // Once no timer or socket of the package is left, nothing can list any more.
    assert.deepEqual(await tracker.leftBehind(5_000), []);
    assert.equal(listings(), after, 'no listing after the last watch node left');
  });

  it('the config\'s close (a full redeploy) stops its poller: the new config starts a new one', async function () {
    const flow = watchFlow(proxy.url);
    await helper.load(FLINK_NODES, flow);
    await allListed();
    const old = shared().jobList;
    await helper.setFlows(flow, 'full');
    assert.notEqual(shared().jobList, old, 'a new config node');
    assert.equal(old.isPolling, false);
    assert.equal(old.subscriberCount, 0);
    await allListed();
    assert.equal(shared().jobList.subscriberCount, 5);
  });
});

describe('JobListPoller', function () {
  it('a listener that throws does not keep the listing from the others; after the config closed, a subscriber is told why', async function () {
    const shared = new SharedClient(() => ({ url: 'http://127.0.0.1:9', retries: 0 }));
    const received: JobListing[] = [];
    const leaveThrowing = shared.jobList.subscribe(60_000, () => { throw new Error('a broken subscriber'); });
    const leave = shared.jobList.subscribe(60_000, (listing) => received.push(listing));
    await eventually(() => received.length > 0, 'the first listing');
    assert.equal((received[0]!.error as { code?: string }).code, 'FLINK_CONNECTION');
    await Promise.all([leaveThrowing(), leave()]);
    assert.equal(shared.jobList.isPolling, false);

    await shared.close();
    const late: JobListing[] = [];
    await shared.jobList.subscribe(60_000, (listing) => late.push(listing))();
    await eventually(() => late.length > 0, 'the answer to a late subscriber');
    assert.equal((late[0]!.error as { code?: string }).code, 'FLINK_ABORTED');
    assert.equal(shared.jobList.isPolling, false, 'no poller after the config closed');
  });
});
