import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../dev/flink/cluster';
import { isRunning, killJvm, lastLogLines, ownJvms, startJvm, type Jvm } from '../../dev/flink/jvm';
import { ensureMavenJar } from '../../dev/flink/maven';
import { projectRoot } from '../../dev/paths';

/**
 * A standalone ZooKeeper server for Flink's high availability, from Maven Central: the server jar and what
 * it loads at run time (metrics-core and snappy-java, "provided" in its pom, are loaded by its default
 * metrics and its snapshots; netty is left out: it serves only the Netty connection factory and TLS).
 * Flink's own jars hold the shaded 3.8 client.
 */
const ARTIFACTS = [
  'org.apache.zookeeper:zookeeper:3.8.4',
  'org.apache.zookeeper:zookeeper-jute:3.8.4',
  'org.apache.yetus:audience-annotations:0.12.0',
  'commons-io:commons-io:2.11.0',
  'io.dropwizard.metrics:metrics-core:4.1.12.1',
  'org.xerial.snappy:snappy-java:1.1.10.5',
  'org.slf4j:slf4j-api:1.7.30',
  'ch.qos.logback:logback-core:1.2.13',
  'ch.qos.logback:logback-classic:1.2.13',
];

const cacheDir = path.join(projectRoot, '.cache', 'zookeeper');
const STARTUP_TIMEOUT_MS = 60_000;

/** Downloads each jar once into .cache/zookeeper, checked against Maven Central's `.sha1`; returns the classpath. */
export async function ensureZooKeeperJars(log: (line: string) => void = () => {}): Promise<string[]> {
  return Promise.all(ARTIFACTS.map((coordinates) => ensureMavenJar(coordinates, cacheDir, log)));
}

export interface ZooKeeperServer {
  /** `127.0.0.1:port`, Flink's `high-availability.zookeeper.quorum`. */
  quorum: string;
  pid: number;
  /** Kills the server's process group and removes its data dir; safe to call twice. */
  stop(): Promise<void>;
}

/** Asks the server the four-letter `srvr` (the one ZooKeeper allows by default); resolves with its answer. */
function askServer(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(2000, () => socket.destroy(new Error('no answer within 2 s')));
    socket.on('connect', () => socket.write('srvr'));
    socket.on('data', (chunk) => { answer += chunk.toString('utf8'); });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

const LOGBACK = `<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>\${zookeeper.log.file}</file>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
`;

/** Starts a standalone ZooKeeper on a free loopback port with a temp data dir and waits until it serves. */
export async function startZooKeeper(log: (line: string) => void = () => {}): Promise<ZooKeeperServer> {
  const classpath = await ensureZooKeeperJars(log);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'zookeeper-'));
  const dataDir = path.join(workDir, 'data');
  mkdirSync(dataDir);
  const port = await freePort();
  const config = path.join(workDir, 'zoo.cfg');
  writeFileSync(config, [
    // Flink asks for a 6 s session; ZooKeeper grants between 2 and 20 ticks.
    'tickTime=500',
    `dataDir=${dataDir}`,
    `clientPort=${port}`,
    'clientPortAddress=127.0.0.1',
    'admin.enableServer=false',
    'maxClientCnxns=0',
  ].join('\n') + '\n');
  writeFileSync(path.join(workDir, 'logback.xml'), LOGBACK);
  const jvm: Jvm = startJvm({
    name: 'zookeeper', mainClass: 'org.apache.zookeeper.server.ZooKeeperServerMain', classpath, logDir: workDir,
    jvmOptions: ['-Xmx128m', `-Dzookeeper.log.file=${path.join(workDir, 'zookeeper.log')}`,
      `-Dlogback.configurationFile=${path.join(workDir, 'logback.xml')}`],
    args: [config],
  });
  // ZooKeeper keeps nothing the tests need: no orderly shutdown to wait for.
  const { stop } = ownJvms(() => [jvm], workDir, killJvm);

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (!isRunning(jvm)) {
      const why = `ZooKeeper exited (${jvm.child.exitCode ?? jvm.child.signalCode}) during start-up\n${lastLogLines([jvm])}`;
      await stop();
      throw new Error(why);
    }
    try {
      const answer = await askServer(port);
      if (/Mode: standalone/.test(answer)) return { quorum: `127.0.0.1:${port}`, pid: jvm.child.pid!, stop };
      lastProblem = `srvr answered ${JSON.stringify(answer.slice(0, 200))}`;
    } catch (err) {
      lastProblem = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const why = `ZooKeeper did not serve within ${STARTUP_TIMEOUT_MS / 1000} s (${lastProblem})\n${lastLogLines([jvm])}`;
  await stop();
  throw new Error(why);
}
