import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../paths';
import { freePort, JAVA17_MODULE_OPTS, writeFlinkConf } from './cluster';
import type { FlinkDistribution } from './distribution';
import { isRunning, killJvm, lastLogLines, ownJvms, startJvm, type Jvm } from './jvm';
import { ensureMavenJar, MavenHttpError, mavenVersions } from './maven';

/**
 * Flink's SQL Gateway: PyPI's distribution has no jar of it, Maven Central has `org.apache.flink:flink-sql-gateway`
 * (about 1 MB; everything it needs is in the distribution's `lib/`).
 */
const GROUP = 'org.apache.flink';
const ARTIFACT = 'flink-sql-gateway';
const cacheDir = path.join(projectRoot, '.cache', 'sql-gateway');
const STARTUP_TIMEOUT_MS = 90_000;

export interface SqlGatewayJar {
  path: string;
  /** The jar's release, which may be an earlier patch release than the distribution's (see ensureSqlGatewayJar). */
  version: string;
}

/** Where the patch release chosen for a Flink version Maven Central has no gateway jar of is remembered. */
const choiceFile = (flinkVersion: string): string => path.join(cacheDir, `chosen-for-${flinkVersion}`);
const jarFile = (version: string): string => path.join(cacheDir, `${ARTIFACT}-${version}.jar`);

/** The newest `major.minor.x` in `versions` that is not newer than `version`. */
function newestPatchUpTo(version: string, versions: string[]): string | undefined {
  const [major, minor, patch = 0] = version.split('.').map(Number);
  return versions
    .filter((v) => /^\d+\.\d+\.\d+$/.test(v))
    .map((v) => v.split('.').map(Number) as [number, number, number])
    .filter(([ma, mi, pa]) => ma === major && mi === minor && pa <= patch)
    .sort((a, b) => b[2] - a[2])
    .map((v) => v.join('.'))[0];
}

/**
 * The SQL Gateway jar for a Flink version, downloaded once into .cache/sql-gateway (SHA-1 checked). Maven Central
 * does not serve every release (no 1.20.5, say): then it is the newest patch release of the same line that is not
 * newer than the cluster, which runs on the distribution's jars (1.20.3's jar on 1.20.5 reports 1.20.5).
 */
export async function ensureSqlGatewayJar(version: string, log: (line: string) => void = () => {}): Promise<SqlGatewayJar> {
  if (existsSync(jarFile(version))) return { path: jarFile(version), version };
  const chosen = existsSync(choiceFile(version)) ? readFileSync(choiceFile(version), 'utf8').trim() : undefined;
  if (chosen && existsSync(jarFile(chosen))) {
    log(`flink-sql-gateway ${chosen} for Flink ${version} (Maven Central has no ${version})`);
    return { path: jarFile(chosen), version: chosen };
  }
  try {
    return { path: await ensureMavenJar(`${GROUP}:${ARTIFACT}:${version}`, cacheDir, log), version };
  } catch (err) {
    if (!(err instanceof MavenHttpError && err.statusCode === 404)) throw err;
  }
  const served = await mavenVersions(GROUP, ARTIFACT);
  const fallback = newestPatchUpTo(version, served);
  if (!fallback) throw new Error(`Maven Central has no ${ARTIFACT} ${version} nor an earlier release of its line (it has ${served.join(', ')})`);
  const file = await ensureMavenJar(`${GROUP}:${ARTIFACT}:${fallback}`, cacheDir, log);
  const partial = `${choiceFile(version)}.${process.pid}`;
  writeFileSync(partial, `${fallback}\n`);
  renameSync(partial, choiceFile(version));
  log(`flink-sql-gateway ${fallback} for Flink ${version}: Maven Central has no ${version}; ${fallback} is its newest release of the line not newer than the cluster`);
  return { path: file, version: fallback };
}

export interface SqlGatewayInfo {
  /** The Flink version the gateway reports. */
  version: string;
  /** Its REST API versions as `GET /api_versions` lists them (`V1` ... `V4`). */
  apiVersions: string[];
}

/** Asks a running gateway its version and REST API versions. */
export async function sqlGatewayInfo(url: string): Promise<SqlGatewayInfo> {
  const get = async <T>(route: string): Promise<T> => {
    const response = await fetch(`${url}${route}`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`the SQL gateway at ${url} answered GET ${route} with ${response.status}`);
    return await response.json() as T;
  };
  const [{ version }, { versions }] = await Promise.all([
    get<{ version: string }>('/v1/info'), get<{ versions: string[] }>('/api_versions'),
  ]);
  return { version, apiVersions: versions };
}

export interface SqlGatewayOptions {
  /** The REST URL of the Flink cluster the gateway submits to (`execution.target: remote`). */
  clusterUrl: string;
  /** The cluster's savepoint folder (a plain path or a `file:` URL): the default of `STOP JOB ... WITH SAVEPOINT`. */
  savepointDir?: string;
  log?: (line: string) => void;
}

export interface LocalSqlGateway {
  url: string;
  /** The Flink version the gateway reports (`GET /v1/info`): its distribution's. */
  version: string;
  /** The release of the flink-sql-gateway jar it runs. */
  jarVersion: string;
  /** Process id of the current gateway JVM (it leads its own process group). */
  readonly pid: number;
  /** Stops the JVM and removes its temp dir; safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILLs the JVM (a crash) and starts a new one on the same port; resolves once it answers. Its sessions are gone. */
  restart(): Promise<void>;
}

/** Flink versions that had a gateway started in this process, with the jar release each ran: what the run covered. */
export const startedSqlGateways = new Map<string, string>();

/** Starts Flink's SQL Gateway on a free 127.0.0.1 port for a cluster and waits until its REST endpoint answers. */
export async function startSqlGateway(dist: FlinkDistribution, options: SqlGatewayOptions): Promise<LocalSqlGateway> {
  // The free port may be taken by another process between the pick and the gateway's bind: then a new pick.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnFreePort(dist, options);
    } catch (err) {
      if (attempt >= 3 || !/BindException/.test((err as Error).message)) throw err;
    }
  }
}

async function startOnFreePort(dist: FlinkDistribution, options: SqlGatewayOptions): Promise<LocalSqlGateway> {
  const jar = await ensureSqlGatewayJar(dist.version, options.log);
  const workDir = mkdtempSync(path.join(os.tmpdir(), `flink-sql-gateway-${dist.version}-`));
  const dirs = { conf: path.join(workDir, 'conf'), log: path.join(workDir, 'log'), tmp: path.join(workDir, 'tmp') };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  const cluster = new URL(options.clusterUrl);
  const port = await freePort();
  const savepoints = options.savepointDir && (/^\w+:/.test(options.savepointDir) ? options.savepointDir : pathToFileURL(options.savepointDir).href);
  writeFlinkConf(dirs.conf, {
    'rest.address': cluster.hostname,
    'rest.port': cluster.port || (cluster.protocol === 'https:' ? 443 : 80),
    'jobmanager.rpc.address': cluster.hostname,
    'execution.target': 'remote',
    'sql-gateway.endpoint.rest.address': '127.0.0.1',
    'sql-gateway.endpoint.rest.bind-address': '127.0.0.1',
    'sql-gateway.endpoint.rest.port': port,
    'io.tmp.dirs': dirs.tmp,
    ...(savepoints ? { 'execution.checkpointing.savepoint-dir': savepoints } : {}),
  });
  const launch = (): Jvm => startJvm({
    name: 'sql-gateway', mainClass: 'org.apache.flink.table.gateway.SqlGateway', classpath: [...dist.classpath, jar.path],
    logDir: dirs.log, args: [],
    jvmOptions: [
      ...JAVA17_MODULE_OPTS, '-Xms128m', '-Xmx512m',
      // The planner loader unpacks the table planner into the temp dir: this one goes with the gateway.
      `-Djava.io.tmpdir=${dirs.tmp}`,
      `-Dlog.file=${path.join(dirs.log, 'sql-gateway.log')}`,
      `-Dlog4j.configurationFile=${pathToFileURL(path.join(dirs.conf, 'log4j2.properties')).href}`,
    ],
    env: { FLINK_CONF_DIR: dirs.conf, FLINK_LIB_DIR: dist.libDir, FLINK_PLUGINS_DIR: dist.pluginsDir },
  });

  let jvm = launch();
  const owned = ownJvms(() => [jvm], workDir);
  const { stop } = owned;

  const url = `http://127.0.0.1:${port}`;
  const untilAnswering = async (): Promise<string> => {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    let lastProblem = 'no answer yet';
    while (Date.now() < deadline) {
      if (!isRunning(jvm)) throw new Error(`Flink's SQL gateway exited (${jvm.child.exitCode ?? jvm.child.signalCode}) during start-up\n${lastLogLines([jvm])}`);
      try {
        const response = await fetch(`${url}/v1/info`, { signal: AbortSignal.timeout(2000) });
        const body = await response.text();
        if (response.ok) return (JSON.parse(body) as { version: string }).version;
        lastProblem = `GET /v1/info answered ${response.status}`;
      } catch (err) {
        lastProblem = (err as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    throw new Error(`Flink's SQL gateway did not answer within ${STARTUP_TIMEOUT_MS / 1000} s (${lastProblem})\n${lastLogLines([jvm])}`);
  };

  let version: string;
  try {
    version = await untilAnswering();
  } catch (err) {
    await stop();
    throw err;
  }
  startedSqlGateways.set(dist.version, jar.version);
  return {
    url, version, jarVersion: jar.version, stop,
    get pid() { return jvm.child.pid!; },
    async restart() {
      if (owned.stopped) throw new Error('the SQL gateway was stopped');
      await killJvm(jvm);
      jvm = launch();
      await untilAnswering();
    },
  };
}
