import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { type TestFlink } from '../flink/test-cluster';
import { eventually, FLINK_NODES, helper, testFlow, withRunningJob } from './node-harness';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const BURST = 1000;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i += 1) gc();
  return process.memoryUsage().heapUsed;
}

describe('1,000 concurrent operations on one node against the real Flink', function () {
  const suite = withRunningJob('nodes-burst');
  let flink: TestFlink, jobId: string;
  before(function () { ({ flink, jobId } = suite); });

  it('flink-job-status: every message exactly one outcome, no warning, heap flat after gc', async function () {
    await helper.load(FLINK_NODES, testFlow(flink.url, [
      { id: 'n', type: 'flink-job-status', wires: [['out']] },
    ]));
    const outcomes = new Map<string, string[]>();
    const record = (how: string) => (msg: Record<string, any>) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const id = String(msg._msgid);
      outcomes.set(id, [...(outcomes.get(id) ?? []), how === 'sent' ? msg.payload?.state : msg.error?.code]);
    };
    helper.getNode('out')!.on('input', record('sent'));
    helper.getNode('caught')!.on('input', record('caught'));
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => { warnings.push(`${warning.name}: ${warning.message}`); };
    process.on('warning', onWarning);
    // The test helper's spies keep every call (messages included): check them after each round, then forget them.
    const sandbox = (helper as unknown as { _sandbox: { resetHistory(): void } })._sandbox;
    const checkLogAndForget = (): void => {
      for (const call of helper.log().getCalls()) {
        const entry = call.args[0] as { level: number; msg: unknown };
        if (entry.level <= 30) warnings.push(`Node-RED log (level ${entry.level}): ${String(entry.msg)}`);
      }
      sandbox.resetHistory();
    };
    sandbox.resetHistory(); // what loading the flow logged is not this test's concern

    let answered = 0;
    const burst = async (round: number): Promise<void> => {
      const node = helper.getNode('n')!;
      for (let i = 0; i < BURST; i += 1) node.receive({ _msgid: `r${round}-${i}`, jobId });
      await eventually(() => outcomes.size >= BURST, `${BURST} outcomes of round ${round}`, 120_000);
      await new Promise((resolve) => setTimeout(resolve, 200)); // room for a second, wrong outcome to show
      for (const [id, got] of outcomes) assert.deepEqual(got, ['RUNNING'], `one RUNNING outcome for ${id}`);
      answered += outcomes.size;
      outcomes.clear();
      checkLogAndForget();
    };

    let before: number;
    const heaps: number[] = [];
    try {
      await burst(0); // warm-up: connections, compiled code, caches
      before = heapAfterGc();
      for (let round = 1; round <= 3; round += 1) {
        await burst(round);
        heaps.push(heapAfterGc());
      }
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(warnings, [], 'no warning, no logged error');
    assert.equal(answered, 4 * BURST);
    const growthMb = (Math.max(...heaps) - before) / 2 ** 20;
    console.log(`      heap after gc: ${(before / 2 ** 20).toFixed(1)} MB, then ${heaps.map((h) => (h / 2 ** 20).toFixed(1)).join(', ')} MB after 1,000 more each`);
    // What 3,000 more operations may leave: well under what one retained message per operation would take.
    assert.ok(growthMb < 3, `heap grew ${growthMb.toFixed(1)} MB over 3,000 operations`);
  });
});
