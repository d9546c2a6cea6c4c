/**
 * Installs what the tests need up front, so CI pays for downloads before the tests and they find all cached:
 * each Flink version the run tests (FLINK_VERSION, default 2.3.0, plus the 1.20 leg unless pinned) into
 * .cache/flink with the fixture jar compiled against it and its SQL Gateway jar, and the ZooKeeper jars of the HA tests.
 */
import { ensureFlinkInstalled, resolveFlinkVersion } from '../../dev/flink/distribution';
import { buildFixtureJar } from '../../dev/flink/job';
import { ensureSqlGatewayJar } from '../../dev/flink/sql-gateway';
import { clientTestVersions } from './test-cluster';
import { ensureZooKeeperJars } from './zookeeper';

const log = (line: string): void => console.log(`[flink] ${line}`);

async function install(): Promise<void> {
  const started = Date.now();
  for (const requested of clientTestVersions()) {
    const version = await resolveFlinkVersion(requested);
    const dist = await ensureFlinkInstalled(version, log);
    const jar = await buildFixtureJar(dist);
    const gateway = await ensureSqlGatewayJar(version, log);
    log(`Flink ${version} ready in ${dist.home}, fixture jobs ${jar}, SQL gateway ${gateway.path}`);
  }
  const jars = await ensureZooKeeperJars(log);
  log(`ZooKeeper ready (${jars.length} jars); all in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

install().catch((err: Error) => {
  console.error(`[flink] ${err.message}`);
  process.exit(1);
});
