import { ensureFlinkInstalled, resolveFlinkVersion } from '../../dev/flink/distribution';
import { startedSqlGateways, startSqlGateway, type LocalSqlGateway } from '../../dev/flink/sql-gateway';
import { externalSqlGateways, sharedSqlGateway } from './shared-clusters';
import { requireLocalFlink } from './skips';
import { testFlink, type TestFlink } from './test-cluster';

/** Flink's SQL Gateway next to the run's shared default cluster of a version. */
export interface TestSqlGateway {
  url: string;
  /** The Flink version the gateway reports. */
  version: string;
  /** The highest REST API version it lists, as its paths spell it: `v4` on 2.x, `v3` on 1.20. */
  apiVersion: string;
  /** The flink-sql-gateway jar's release (an earlier patch than the cluster's when Maven Central lacks that one); unknown under FLINK_SQL_GATEWAY_URL. */
  jarVersion?: string;
  cluster: TestFlink;
}

/** `['V1', 'V3', 'V2']` → `v3`. */
export function highestApiVersion(versions: string[]): string {
  const numbers = versions.map((v) => Number(/^V(\d+)$/i.exec(v)?.[1])).filter((n) => Number.isInteger(n));
  if (numbers.length === 0) throw new Error(`no REST API version like V3 among ${JSON.stringify(versions)}`);
  return `v${Math.max(...numbers)}`;
}

/**
 * The SQL gateway of the shared default cluster for `version` (default: the run's), both started once per run on
 * first use. Under FLINK_URL it is the gateway at FLINK_SQL_GATEWAY_URL, or undefined when that is not set: a test
 * that needs it skips through `requireSqlGateway`.
 */
export async function testSqlGateway(version?: string): Promise<TestSqlGateway | undefined> {
  const cluster = await testFlink(version);
  const gateway = await sharedSqlGateway({ version: await resolveFlinkVersion(version) });
  if (!gateway) return undefined;
  return {
    url: gateway.url, version: gateway.version, apiVersion: highestApiVersion(gateway.apiVersions),
    jarVersion: gateway.jarVersion, cluster,
  };
}

/**
 * A gateway of the suite's own next to a shared local cluster, for a test that disturbs it (restarts it, say); call it
 * from a `before` hook or a test. It is stopped after the suite. Under FLINK_URL the suite skips, saying why.
 */
export async function privateSqlGateway(context: Mocha.Context, flink: TestFlink): Promise<LocalSqlGateway> {
  requireLocalFlink(context, flink, 'starts an SQL gateway of its own next to the shared cluster');
  const suite = context.test?.parent;
  if (!suite) throw new Error('privateSqlGateway: call it from a hook or a test');
  const dist = await ensureFlinkInstalled(flink.version);
  const gateway = await startSqlGateway(dist, { clusterUrl: flink.url, savepointDir: flink.savepointDir });
  suite.afterAll('stop its private SQL gateway', () => gateway.stop());
  return gateway;
}

/** The gateways this process started or talked to, each with the jar it ran: what the run's summary names. */
export function sqlGatewaysCovered(): string[] {
  return [
    ...[...startedSqlGateways].map(([flinkVersion, jarVersion]) => `${flinkVersion} (flink-sql-gateway ${jarVersion})`),
    ...externalSqlGateways(),
  ];
}
