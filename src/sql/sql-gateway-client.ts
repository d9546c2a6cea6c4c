import { askedOnce } from '../asked-once';
import { invalidArgument } from '../errors';
import { FlinkTransport } from '../transport';
import type { CallOptions } from '../types';
import { FlinkVersion } from '../version';
import { SqlGatewayApi } from './gateway-api';
import { gatewayEndpoints } from './gateway-endpoints';
import { SqlSession, type SessionHost } from './sql-session';
import type { SqlGatewayClientOptions, SqlGatewayInfo, SqlSessionOptions } from './sql-types';

const DEFAULT_HEARTBEAT_INTERVAL_MS = 60_000;
const DEFAULT_STATEMENT_TIMEOUT_MS = 5 * 60_000;
/** The release that renamed `execution.savepoint.*` to `execution.state-recovery.*`. */
const STATE_RECOVERY_KEYS_SINCE = [1, 20] as const;

/**
 * A client for Flink's SQL Gateway REST API: sessions that survive a gateway restart, statements sent once,
 * typed results (success, a submitted job's id, a query's typed rows), and the SQL's own errors.
 */
export class SqlGatewayClient {
  private readonly api: SqlGatewayApi;
  private readonly host: SessionHost;
  /** The gateway's Flink version, for the restore options' names. */
  private readonly flinkVersion = askedOnce(async () => FlinkVersion.parse((await this.getInfo()).version));

  constructor(options: SqlGatewayClientOptions) {
    if (!options || typeof options.url !== 'string') throw invalidArgument('SqlGatewayClient needs { url }');
    this.api = new SqlGatewayApi(new FlinkTransport(options));
    this.host = {
      api: this.api,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
      statementTimeoutMs: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
      restoreKeys: async (callOptions) => ((await this.api.transport.awaitShared(this.flinkVersion(), gatewayEndpoints.info, callOptions)).atLeast(STATE_RECOVERY_KEYS_SINCE)
        ? { path: 'execution.state-recovery.path', ignoreUnclaimed: 'execution.state-recovery.ignore-unclaimed-state' }
        : { path: 'execution.savepoint.path', ignoreUnclaimed: 'execution.savepoint.ignore-unclaimed-state' }),
    };
  }

  /** The gateway's product and Flink version, and the REST API version the client speaks with it. */
  async getInfo(options: CallOptions = {}): Promise<SqlGatewayInfo> {
    const [info, apiVersion] = await Promise.all([this.api.call(gatewayEndpoints.info, {}, options), this.api.apiVersion(options)]);
    return { productName: info.productName, version: info.version, apiVersion };
  }

  /** A session, opened on its first statement (with its setup statements) and again whenever the gateway forgot it. */
  session(options: SqlSessionOptions = {}): SqlSession {
    return new SqlSession(this.host, options);
  }

  /** Aborts what is in flight and releases the connections; sessions are not closed on the gateway. */
  async close(): Promise<void> {
    await this.api.transport.close();
  }
}
