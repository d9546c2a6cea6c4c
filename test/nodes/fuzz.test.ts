import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FlinkClusterClient } from '../../src';
import { localPath } from '../../dev/paths';
import { type TestFlink } from '../flink/test-cluster';
import { requireLocalFlink } from '../flink/skips';
import { UNKNOWN_JOB_ID } from '../support/ids';
import { eventually, FLINK_NODES, helper, testFlow, withNodeRed } from './node-harness';

/**
 * Seeded fuzzing of every input-driven flow node against the real Flink. FUZZ_SEED replays a run,
 * FUZZ_MESSAGES sets how many messages it sends (default 1,200).
 */

type Random = () => number;

/** mulberry32: a small seeded PRNG, so that a failing run can be replayed from its seed. */
function seeded(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** What the oracle expects of a message property's value: its own reading of the documented rule. */
type Kind = 'string' | 'jobId' | 'boolean' | { choices: string[] };

function wellFormed(kind: Kind, value: unknown): boolean {
  if (value === undefined || value === null) return true; // not given
  if (typeof value !== 'string') return kind === 'boolean' && typeof value === 'boolean';
  if (kind === 'boolean') return value === 'true' || value === 'false';
  if (kind === 'string') return value.trim() !== '';
  if (kind === 'jobId') return /^[0-9a-f]{32}$/i.test(value.trim());
  return kind.choices.includes(value.trim().toUpperCase());
}

const HEX = '0123456789abcdef';

function hex(random: Random, length: number): string {
  return Array.from({ length }, () => pick(random, [...HEX])).join('');
}

describe('fuzzing the flow nodes with odd messages against the real Flink', function () {
  let flink: TestFlink;
  let targetName: string;
  let bystanderName: string;
  let target: string;
  let bystander: string;
  const decoys: string[] = [];

  const suite = withNodeRed();

  before(async function () {
    flink = suite.flink;
    [{ jobId: target, jobName: targetName }, { jobId: bystander, jobName: bystanderName }] =
      await Promise.all([suite.startJob('fuzz-target'), suite.startJob('fuzz-bystander')]);
    // Two real savepoints no message designates: one in payloads, one as the dispose node's own path.
    const client = new FlinkClusterClient({ url: flink.url });
    try {
      for (let i = 0; i < 2; i += 1) decoys.push(await client.triggerSavepoint(bystander));
    } finally {
      await client.close();
    }
  });

  it('gives every message exactly one outcome, never warns, and changes the state of no job it was not validly told to', async function () {
    const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 32);
    const total = Number(process.env.FUZZ_MESSAGES ?? 1200);
    console.log(`      fuzz seed ${seed} (FUZZ_SEED=${seed} replays it), ${total} messages`);
    const random = seeded(seed);
    const [decoy, nodePath] = decoys as [string, string];

    await helper.load(FLINK_NODES, testFlow(flink.url, [
      { id: 'fz-list', type: 'flink-list-jobs', wires: [['out']] },
      { id: 'fz-status', type: 'flink-job-status', jobName: targetName, errorOutput: true, wires: [['out'], ['err']] },
      { id: 'fz-cancel', type: 'flink-cancel', jobName: targetName, wires: [['out']] },
      { id: 'fz-savepoint', type: 'flink-savepoint', jobName: targetName, detached: true, errorOutput: true, wires: [['out'], ['err']] },
      { id: 'fz-stop', type: 'flink-stop', jobName: targetName, wires: [['out']] },
      { id: 'fz-checkpoint', type: 'flink-checkpoint', jobName: targetName, timeout: 30, wires: [['out']] },
      { id: 'fz-dispose', type: 'flink-dispose-savepoint', savepointPath: nodePath, errorOutput: true, wires: [['out'], ['err']] },
      { id: 'fz-info', type: 'flink-job-info', jobName: targetName, timeout: 1, wires: [['out']] },
    ]));

    // Odd values: every one is malformed for a string property.
    const odd = (): unknown => pick(random, [
      0, -1, 42, 1e308, -1e-9, Number.NaN, Infinity, 2 ** 31, Number.MAX_SAFE_INTEGER + 2, true, false,
      [], [targetName], [target], {}, { jobId: target }, { location: decoy }, new Date(), new Date(Number.NaN),
      '', ' ', '\t\n', '   \u00a0',
    ]);
    const notGiven = (): unknown => pick(random, [undefined, null]);
    const nearMissIds = (): string => pick(random, [
      target.slice(1), `${target}0`, `${target.slice(0, 31)}g`, `${target.slice(0, 16)} ${target.slice(16, 31)}`,
      `0x${target.slice(2)}`, target.replace(/./g, '-'), `${hex(random, 16)}-${hex(random, 15)}`,
    ]);
    const malformedJobId = (): unknown => (random() < 0.5 ? odd() : nearMissIds());
    // Well-formed ids that name no job, or the jobs themselves in other spellings.
    const wellFormedIds = (): string => pick(random, [hex(random, 32), UNKNOWN_JOB_ID, ` ${target.toUpperCase()} `, bystander]);
    const names = (): unknown => pick(random, [targetName, bystanderName, `${targetName} `, 'no such job', targetName.toUpperCase()]);
    const choice = (values: string[]): unknown => pick(random, [...values, ...values.map((v) => v.toLowerCase()), ` ${values[0]} `, 'YAML', 'constructor', '__proto__', 'toString']);
    const locations = (): unknown => pick(random, [
      { location: decoy }, { location: decoy, jobId: target, triggerId: hex(random, 32) },
      { kind: 'flink-savepoint', location: decoy, jobId: target.slice(1), triggerId: hex(random, 32) },
      { kind: 'flink-savepoint', location: decoy, jobId: target, triggerId: hex(random, 31) },
      { kind: 'flink-savepoint', location: ' ', jobId: target, triggerId: hex(random, 32) },
      { kind: 'flink-savepoint', location: [decoy], jobId: target, triggerId: hex(random, 32) },
      { kind: 'savepoint', location: decoy, jobId: target, triggerId: hex(random, 32) },
      { location: { path: decoy } }, { kind: 'flink-savepoint' },
    ]);
    const anyOf = (wellFormedValue: () => unknown): unknown => {
      const r = random();
      return r < 0.3 ? notGiven() : r < 0.6 ? wellFormedValue() : odd();
    };
    const savepointDirs = (): unknown => pick(random, [path.join(flink.savepointDir ?? os.tmpdir(), 'fuzz'), 'relative/dir', 'file:///tmp/fuzz-sp']);

    type Message = Record<string, unknown>;
    interface Case { node: string; msg: Message; malformed: boolean }
    const jobKinds: Record<string, Kind> = { jobId: 'jobId', jobName: 'string' };
    const generators: Record<string, () => { msg: Message; kinds: Record<string, Kind> }> = {
      'fz-list': () => ({ msg: { jobId: anyOf(wellFormedIds), jobName: odd(), states: odd() }, kinds: {} }),
      'fz-status': () => ({ msg: { jobId: anyOf(wellFormedIds), jobName: anyOf(names) }, kinds: jobKinds }),
      'fz-info': () => ({
        msg: { jobId: anyOf(wellFormedIds), jobName: anyOf(names), info: anyOf(() => choice(['details', 'accumulators', 'exceptions', 'checkpoints', 'result'])) },
        kinds: { ...jobKinds, info: { choices: ['DETAILS', 'ACCUMULATORS', 'EXCEPTIONS', 'CHECKPOINTS', 'RESULT'] } },
      }),
      'fz-savepoint': () => ({
        msg: { jobId: anyOf(wellFormedIds), jobName: anyOf(names), savepointDir: anyOf(savepointDirs), formatType: anyOf(() => choice(['CANONICAL', 'NATIVE'])) },
        kinds: { ...jobKinds, savepointDir: 'string', formatType: { choices: ['CANONICAL', 'NATIVE'] } },
      }),
      'fz-checkpoint': () => ({
        msg: { jobId: anyOf(wellFormedIds), jobName: anyOf(names), checkpointType: anyOf(() => choice(['CONFIGURED', 'FULL', 'INCREMENTAL'])) },
        kinds: { ...jobKinds, checkpointType: { choices: ['CONFIGURED', 'FULL', 'INCREMENTAL'] } },
      }),
      // Destructive nodes only ever get a present but malformed job property (or path); the rest is random.
      'fz-cancel': () => ({ msg: { ...destructiveJob(), wait: anyOf(() => pick(random, [true, false, 'true', 'false'])) }, kinds: { ...jobKinds, wait: 'boolean' } }),
      'fz-stop': () => ({
        msg: { ...destructiveJob(), drain: anyOf(() => pick(random, [true, 'false'])), savepointDir: anyOf(savepointDirs), formatType: anyOf(() => choice(['CANONICAL', 'NATIVE'])) },
        kinds: { ...jobKinds, drain: 'boolean', savepointDir: 'string', formatType: { choices: ['CANONICAL', 'NATIVE'] } },
      }),
      'fz-dispose': () => (random() < 0.5
        ? { msg: { savepointPath: odd(), payload: pick(random, [locations(), odd(), `location: ${decoy}`]) }, kinds: {} }
        : { msg: { savepointPath: notGiven(), payload: locations() }, kinds: {} }),
    };
    function destructiveJob(): Message {
      const r = random();
      if (r < 0.4) return { jobId: malformedJobId(), jobName: anyOf(names) };
      if (r < 0.8) return { jobId: notGiven(), jobName: odd() };
      return { jobId: malformedJobId(), jobName: odd() };
    }

    const cases = new Map<string, Case>();
    for (let i = 0; i < total; i += 1) {
      const node = pick(random, Object.keys(generators));
      const { msg, kinds } = generators[node]!();
      for (const key of Object.keys(msg)) if (msg[key] === undefined && random() < 0.5) delete msg[key];
      // A dispose payload with a location is never a designated path: malformed by the rule.
      const malformed = node === 'fz-dispose'
        ? msg.savepointPath !== undefined && msg.savepointPath !== null ? !wellFormed('string', msg.savepointPath) : true
        : Object.entries(kinds).some(([key, kind]) => !wellFormed(kind, msg[key]));
      if (node === 'fz-cancel' || node === 'fz-stop' || node === 'fz-dispose') assert.ok(malformed, `generator bug: ${node} got a valid message`);
      const id = `fuzz-${i}`;
      cases.set(id, { node, malformed, msg: { ...msg, _msgid: id, topic: `case ${i}`, payload: msg.payload ?? pick(random, [odd(), locations(), 'x']) } });
    }

    const outcomes = new Map<string, Array<{ how: string; code?: string; message?: string }>>();
    const record = (how: string) => (msg: Record<string, any>) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const id = String(msg._msgid);
      const list = outcomes.get(id) ?? [];
      list.push({ how, code: msg.error?.code, message: msg.error?.message });
      outcomes.set(id, list);
    };
    helper.getNode('out')!.on('input', record('sent'));
    helper.getNode('err')!.on('input', record('error output'));
    helper.getNode('caught')!.on('input', record('caught'));
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => { warnings.push(`process warning: ${warning.name}: ${warning.message}`); };
    process.on('warning', onWarning);
    const log = helper.log();
    const logBefore = log.getCalls().length;

    try {
      let sent = 0;
      const answered = (): number => [...outcomes.values()].reduce((sum, list) => sum + list.length, 0);
      for (const [, { node, msg }] of cases) {
        // At most 40 messages in flight: the cluster is shared with other work on two cores.
        if (sent - answered() >= 40) await eventually(() => sent - answered() < 40, 'room for the next message', 60_000);
        const receiver = helper.getNode(node);
        if (!receiver) throw new Error(`no node ${node}`);
        receiver.receive(msg);
        sent += 1;
      }
      await eventually(() => answered() >= total, `${total} outcomes`, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 500)); // room for a second, wrong outcome to show
    } finally {
      process.off('warning', onWarning);
    }

    for (const call of log.getCalls().slice(logBefore)) {
      const entry = call.args[0] as { level: number; msg: unknown };
      if (entry.level <= 30) warnings.push(`Node-RED log (level ${entry.level}): ${String(entry.msg)}`);
    }
    assert.deepEqual(warnings, [], 'nothing warned or logged an error');

    const tally: Record<string, number> = {};
    for (const [id, { node, malformed, msg }] of cases) {
      const got = outcomes.get(id) ?? [];
      const describe = `${id} to ${node} (seed ${seed}): ${JSON.stringify(msg)}`;
      assert.equal(got.length, 1, `exactly one outcome for ${describe}, got ${JSON.stringify(got)}`);
      const [outcome] = got as [{ how: string; code?: string; message?: string }];
      assert.notEqual(outcome.code, 'FLINK_INTERNAL', `no internal failure for ${describe}: ${outcome.message}`);
      if (malformed) {
        assert.equal(outcome.code, 'FLINK_INVALID_ARGUMENT', `malformed input refused for ${describe}, got ${JSON.stringify(outcome)}`);
        assert.match(outcome.message ?? '', /msg\.\w+|payload/, `the refusal names the property for ${describe}`);
      }
      const key = `${node} ${malformed ? 'malformed' : 'well-formed'} ${outcome.code ?? 'ok'}`;
      tally[key] = (tally[key] ?? 0) + 1;
    }
    console.log(Object.entries(tally).sort().map(([key, count]) => `        ${key}: ${count}`).join('\n'));

    const client = new FlinkClusterClient({ url: flink.url });
    try {
      const jobs = await client.listJobs();
      for (const [name, id] of [[targetName, target], [bystanderName, bystander]] as const) {
        const named = jobs.filter((job) => job.jobName === name);
        assert.deepEqual(named.map((job) => [job.jobId, job.state]), [[id, 'RUNNING']], `${name} still runs as the same job`);
      }
    } finally {
      await client.close();
    }
  });

  it('deleted no savepoint that no message designated (read from the cluster\'s disk)', function () {
    requireLocalFlink(this, flink, 'reads savepoint files from disk');
    assert.equal(decoys.length, 2);
    for (const location of decoys) assert.ok(existsSync(localPath(location)), `savepoint ${location} no message designated still exists`);
  });
});
