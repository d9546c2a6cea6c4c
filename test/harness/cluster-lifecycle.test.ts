import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startLocalCluster } from '../../dev/flink/cluster';
import { ensureFlinkInstalled, resolveFlinkVersion } from '../../dev/flink/distribution';
import { FlinkClusterClient } from '../../src';
import { requireLocalRun } from '../flink/skips';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('local Flink cluster lifecycle', function () {
  before(function () { requireLocalRun(this, 'starts and stops clusters to check their lifecycle'); });

  it('stops both JVMs and removes its folders', async function () {
    const dist = await ensureFlinkInstalled(await resolveFlinkVersion());
    const cluster = await startLocalCluster(dist);
    assert.equal(cluster.pids.length, 2);
    assert.ok(cluster.pids.every(isAlive));
    await cluster.stop();
    assert.deepEqual(cluster.pids.filter(isAlive), [], 'a JVM outlived stop()');
    assert.equal(existsSync(cluster.savepointDir), false);
    await cluster.stop(); // a second stop is harmless
  });

  it('shuts down through the client\'s shutDownCluster', async function () {
    const dist = await ensureFlinkInstalled(await resolveFlinkVersion());
    const cluster = await startLocalCluster(dist);
    const client = new FlinkClusterClient({ url: cluster.url });
    try {
      await client.shutDownCluster();
      const jobManager = cluster.pids[0]!;
      for (let i = 0; isAlive(jobManager) && i < 150; i++) await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(isAlive(jobManager), false, 'the JobManager exited after DELETE /cluster');
    } finally {
      await client.close();
      await cluster.stop();
    }
  });

  it('fails with the JVM log lines when Flink cannot start', async function () {
    const dist = await ensureFlinkInstalled(await resolveFlinkVersion());
    const broken = { ...dist, classpath: dist.classpath.filter((jar) => !jar.includes('flink-dist')) };
    await assert.rejects(startLocalCluster(broken), (err: Error) => {
      assert.match(err.message, /exited .* during start-up/);
      assert.match(err.message, /--- jobmanager ---/);
      // whichever JVM exits first is reported, with its own log lines; the other may not have written yet
      assert.match(err.message, /Could not find or load main class \S*(StandaloneSessionClusterEntrypoint|TaskManagerRunner)/);
      return true;
    });
  });
});
