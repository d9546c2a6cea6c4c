import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startLocalCluster } from '../flink/cluster';
import { ensureFlinkInstalled, resolveFlinkVersion } from '../flink/distribution';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// These start clusters of their own, so they only exist when the run owns a local Flink (no FLINK_URL).
const describeLocal = process.env.FLINK_URL ? (): void => {} : describe;

describeLocal('local Flink cluster lifecycle', function () {
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

  it('fails with the JVM log lines when Flink cannot start', async function () {
    const dist = await ensureFlinkInstalled(await resolveFlinkVersion());
    const broken = { ...dist, classpath: dist.classpath.filter((jar) => !jar.includes('flink-dist')) };
    await assert.rejects(startLocalCluster(broken), (err: Error) => {
      assert.match(err.message, /exited .* during start-up/);
      assert.match(err.message, /--- jobmanager ---/);
      assert.match(err.message, /StandaloneSessionClusterEntrypoint/);
      return true;
    });
  });
});
