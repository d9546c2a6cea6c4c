/**
 * Installs the Flink distribution (FLINK_VERSION, default 2.3.0) into .cache/flink and compiles the
 * fixture job against it, so CI pays for the download up front and the tests find both cached.
 */
import { ensureFlinkInstalled, resolveFlinkVersion } from './distribution';
import { buildFixtureJar } from './job';

async function install(): Promise<void> {
  const started = Date.now();
  const version = await resolveFlinkVersion();
  const dist = await ensureFlinkInstalled(version, (line) => console.log(`[flink] ${line}`));
  const jar = await buildFixtureJar(dist);
  console.log(`[flink] Flink ${version} ready in ${dist.home}, fixture job ${jar} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

install().catch((err: Error) => {
  console.error(`[flink] ${err.message}`);
  process.exit(1);
});
