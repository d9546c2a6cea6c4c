import { FlinkClusterClient, SqlGatewayClient, type ConnectionOptions, type FlinkClusterClientOptions } from '../../../src';
import { FlinkNodeError } from '../errors';
import { HealthSampler } from '../health/health-sampler';
import { JobListPoller } from '../jobs/job-list-poller';
import { MetricsSampler } from '../metrics/metrics-sampler';

/**
 * One FlinkClusterClient (one connection pool) shared by the nodes that use a cluster config:
 * created when the first of them needs it, closed when the last of them closes or the config closes.
 * With it, the cluster's one job-list poller, shared by the nodes that watch the cluster's jobs, and its one
 * health sampler, shared by the health nodes, and its one metrics sampler, shared by the metrics nodes.
 */
export class SharedClient {
  readonly jobList = new JobListPoller(() => this.get());
  readonly health = new HealthSampler(() => this.get());
  readonly metrics = new MetricsSampler(() => this.get());
  private readonly users = new Set<string>();
  private client?: FlinkClusterClient;
  private gateway?: SqlGatewayClient;
  private closed = false;

  constructor(private readonly options: () => FlinkClusterClientOptions,
    private readonly gatewayOptions: () => ConnectionOptions | undefined = () => undefined) {}

  register(userId: string): void {
    this.users.add(userId);
  }

  /** Closes the client once no user is left. */
  async deregister(userId: string): Promise<void> {
    this.users.delete(userId);
    if (this.users.size === 0) await this.release();
  }

  /** The shared client, created on first use; throws the config's problem if it cannot be built. */
  get(): FlinkClusterClient {
    if (this.closed) throw new FlinkNodeError('FLINK_ABORTED', 'The Flink cluster config was closed (redeployed or removed)');
    this.client ??= new FlinkClusterClient(this.options());
    return this.client;
  }

  /** The shared client of the cluster's SQL Gateway, created on first use; FLINK_INVALID_ARGUMENT when the config names none. */
  sqlGateway(): SqlGatewayClient {
    if (this.closed) throw new FlinkNodeError('FLINK_ABORTED', 'The Flink cluster config was closed (redeployed or removed)');
    if (!this.gateway) {
      const options = this.gatewayOptions();
      if (!options) throw new FlinkNodeError('FLINK_INVALID_ARGUMENT', 'The Flink cluster config has no SQL Gateway URL: set it to run SQL');
      this.gateway = new SqlGatewayClient(options);
    }
    return this.gateway;
  }

  /** Whether a client (and its connection pool) exists right now. */
  get isOpen(): boolean {
    return this.client !== undefined;
  }

  get userCount(): number {
    return this.users.size;
  }

  /** The config node closes: abort what is in flight and release the connections for good. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.jobList.close(), this.health.close(), this.metrics.close()]);
    await this.release();
  }

  private async release(): Promise<void> {
    const { client, gateway } = this;
    this.client = undefined;
    this.gateway = undefined;
    await Promise.all([client?.close(), gateway?.close()]);
  }
}
