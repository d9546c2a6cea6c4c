import assert from 'node:assert/strict';
import { planRetention, type RetentionPolicy } from '../../nodes/lib/savepoints/retention';
import type { SavepointRecord } from '../../nodes/lib/savepoints/savepoint-catalog';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A record taken `ageMs` before NOW, at `file:/savepoints/<name>`. */
function taken(name: string, ageMs: number, extra: Partial<SavepointRecord> = {}): SavepointRecord {
  return {
    jobName: 'orders', jobId: 'a'.repeat(32), triggerId: 'b'.repeat(32), location: `file:/savepoints/${name}`,
    takenAt: new Date(NOW - ageMs).toISOString(), formatType: 'CANONICAL', kind: 'savepoint', ...extra,
  };
}

/** Oldest first, as the catalog keeps them: sp1 is 5 days old, sp5 one hour. */
const FIVE = [taken('sp1', 5 * DAY), taken('sp2', 4 * DAY), taken('sp3', 3 * DAY), taken('sp4', 2 * DAY), taken('sp5', HOUR)];

function plan(records: SavepointRecord[], policy: RetentionPolicy, restoredFrom: string[] = []) {
  const result = planRetention(records, policy, { now: NOW, restoredFrom });
  const name = (record: SavepointRecord) => record.location.replace('file:/savepoints/', '');
  return {
    keep: Object.fromEntries(result.keep.map(({ record, reasons }) => [name(record), reasons])),
    dispose: result.dispose.map(name),
  };
}

describe('savepoint retention rules', function () {
  it('by count: keeps the last K (newest first) and disposes the rest', function () {
    assert.deepEqual(plan(FIVE, { keepLast: 3 }), {
      keep: { sp5: ['newest', 'count'], sp4: ['count'], sp3: ['count'] },
      dispose: ['sp2', 'sp1'],
    });
  });

  it('by count: orders by the time taken, not by the order of the records', function () {
    const shuffled = [FIVE[3]!, FIVE[0]!, FIVE[4]!, FIVE[2]!, FIVE[1]!];
    assert.deepEqual(plan(shuffled, { keepLast: 2 }).dispose, ['sp3', 'sp2', 'sp1']);
  });

  it('by count: of two taken at the same time, the one recorded later counts as newer', function () {
    const same = [taken('first', HOUR), taken('second', HOUR)];
    assert.deepEqual(plan(same, { keepLast: 1 }), { keep: { second: ['newest', 'count'] }, dispose: ['first'] });
  });

  it('by age: keeps those younger than the age', function () {
    assert.deepEqual(plan(FIVE, { maxAgeMs: 3.5 * DAY }), {
      keep: { sp5: ['newest', 'age'], sp4: ['age'], sp3: ['age'] },
      dispose: ['sp2', 'sp1'],
    });
  });

  it('by count and age: a savepoint either rule keeps is kept', function () {
    assert.deepEqual(plan(FIVE, { keepLast: 2, maxAgeMs: 3.5 * DAY }).dispose, ['sp2', 'sp1']);
    assert.deepEqual(plan(FIVE, { keepLast: 4, maxAgeMs: DAY }), {
      keep: { sp5: ['newest', 'count', 'age'], sp4: ['count'], sp3: ['count'], sp2: ['count'] },
      dispose: ['sp1'],
    });
  });

  it('never disposes the newest savepoint, whatever the settings say', function () {
    assert.deepEqual(plan(FIVE, { keepLast: 0 }).keep, { sp5: ['newest'] });
    assert.deepEqual(plan([taken('old', 30 * DAY)], { maxAgeMs: HOUR }), { keep: { old: ['newest'] }, dispose: [] });
  });

  it('never disposes the savepoint a RUNNING job was restored from, even among the oldest, in either spelling of its path', function () {
    assert.deepEqual(plan(FIVE, { keepLast: 2 }, ['file:///savepoints/sp1/']), {
      keep: { sp5: ['newest', 'count'], sp4: ['count'], sp1: ['restored'] },
      dispose: ['sp3', 'sp2'],
    });
    assert.deepEqual(plan(FIVE, { keepLast: 1 }, ['file:/savepoints/sp2', 'file:/savepoints/sp3']).dispose, ['sp4', 'sp1'],
      'two RUNNING jobs of the name protect both their savepoints');
  });

  it('a savepoint whose disposal failed is disposed again while the rules let it go, and kept when they keep it', function () {
    const failed = { disposal: { failedAt: new Date(NOW - HOUR).toISOString(), code: 'FLINK_OPERATION_FAILED', message: 'no such file', attempts: 2 } };
    const records = [taken('sp1', 5 * DAY, failed), ...FIVE.slice(1)];
    const retried = planRetention(records, { keepLast: 3 }, { now: NOW, restoredFrom: [] });
    assert.deepEqual(retried.dispose.map((record) => [record.location, record.disposal?.attempts]),
      [['file:/savepoints/sp2', undefined], ['file:/savepoints/sp1', 2]]);
    assert.deepEqual(plan(records, { keepLast: 5 }).dispose, []);
  });

  it('with no rule nothing expires, and an empty catalog gives an empty plan', function () {
    assert.deepEqual(plan(FIVE, {}).dispose, []);
    assert.deepEqual(plan([], { keepLast: 3 }), { keep: {}, dispose: [] });
  });
});
