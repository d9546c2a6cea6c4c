import assert from 'node:assert/strict';
import { secretMasker } from '../../nodes/lib/errors';
import { JobStateTracker } from '../../nodes/lib/job-changes';
import type { JobSummary } from '../../nodes/lib/job-summary';
import { Poller } from '../../nodes/lib/poller';
import { formatElapsed } from '../../nodes/lib/status';

function job(jobId: string, state: string): JobSummary {
  return { jobId, name: `job ${jobId}`, state: state as JobSummary['state'], startTime: 1, endTime: null, duration: 0 };
}

describe('node helpers', function () {
  it('JobStateTracker: a baseline first, then changes, new jobs from null, vanished jobs forgotten', function () {
    const tracker = new JobStateTracker();
    assert.deepEqual(tracker.update([job('a', 'RUNNING')]), []);
    assert.deepEqual(tracker.update([job('a', 'RUNNING')]), []);
    const changes = tracker.update([job('a', 'FAILED'), job('b', 'RUNNING')]);
    assert.deepEqual(changes.map((c) => [c.job.jobId, c.previousState, c.job.state]), [['a', 'RUNNING', 'FAILED'], ['b', null, 'RUNNING']]);
    assert.deepEqual(tracker.update([job('b', 'RUNNING')]), []);
    assert.deepEqual(tracker.update([job('a', 'FAILED'), job('b', 'RUNNING')]).map((c) => c.previousState), [null]);
    assert.deepEqual(new JobStateTracker().update([job('c', 'RUNNING')], true).map((c) => c.previousState), [null]);
  });

  it('Poller: one run at a time, and close aborts the run in flight and stops for good', async function () {
    let running = 0;
    let overlapped = false;
    let runs = 0;
    let aborted = false;
    const poller = new Poller(async (signal) => {
      runs += 1;
      running += 1;
      overlapped ||= running > 1;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 30);
        signal.addEventListener('abort', () => { aborted = true; clearTimeout(timer); resolve(); });
      });
      running -= 1;
    }, 1);
    poller.start();
    while (runs < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    await poller.close();
    const after = runs;
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(overlapped, false);
    assert.equal(aborted, true);
    assert.equal(runs, after, 'no run after close');
  });

  it('secretMasker: masks secrets and their base64 forms, leaves short ones alone', function () {
    const mask = secretMasker(['s3cret-token', 'ops:pa55word', undefined, 'abc']);
    assert.equal(mask('Bearer s3cret-token failed'), 'Bearer *** failed');
    assert.equal(mask(`Basic ${Buffer.from('ops:pa55word').toString('base64')}`), 'Basic ***');
    assert.equal(mask('abc stays'), 'abc stays');
  });

  it('formatElapsed: short texts for a status', function () {
    assert.equal(formatElapsed(42), '42ms');
    assert.equal(formatElapsed(12_400), '12s');
    assert.equal(formatElapsed(185_000), '3m 05s');
  });
});
