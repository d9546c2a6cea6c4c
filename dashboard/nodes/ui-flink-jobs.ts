import { randomBytes } from 'node:crypto';
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeStatus } from 'node-red';
import type { CompanionListing, CompanionUse, FlinkClusterCompanion, JobActionOutcome, JobSummary, NewestSavepoint } from '../../nodes/lib/companion/companion-api';
import { checkAction, type ActionRequest } from './lib/action-request';
import { actionUser, type DashboardBase } from './lib/action-user';
import { JobsTable, type JobRow, type RowResult } from './lib/jobs-table';
import { runtimeMessages, type Messages } from './lib/messages';
import { ParallelismTracker } from './lib/parallelism';
import { Throttle } from './lib/throttle';
import { browserConfig, widgetSettings, type Column, type WidgetConfig, type WidgetSettings } from './lib/widget-settings';

const TYPE = 'ui-flink-jobs';
/** The interface version of the flink-cluster node this widget is written against (docs/companion-api.md). */
const COMPANION_API_VERSION = 1;
/** Table messages leave at most this often per widget. */
const TABLE_SPACING_MS = 1000;

/** What the widget needs of Dashboard 2.0's ui-group node. */
interface DashboardGroup {
  register(node: Node, config: Record<string, unknown>, events: Record<string, unknown>): void;
  getBase(): DashboardBase;
}

/** The audit message's payload: one per action asked for, whatever came of it. */
interface AuditRecord {
  action: string | null;
  jobId: string | null;
  jobName: string | null;
  user: unknown;
  outcome: 'ok' | 'error' | 'refused';
  location?: string;
  state?: string;
  error?: { code: string; message: string; triggerId?: string };
  at: string;
}

function companionOf(RED: NodeAPI, clusterId: unknown): FlinkClusterCompanion | 'missing' | 'incompatible' {
  const cluster = typeof clusterId === 'string' && clusterId ? RED.nodes.getNode(clusterId) as (Node & { companion?: FlinkClusterCompanion }) | null : null;
  if (!cluster) return 'missing';
  if (cluster.companion?.apiVersion !== COMPANION_API_VERSION) return 'incompatible';
  return cluster.companion;
}

/** The widget's work once its group, cluster and settings are known good. */
class JobsWidget {
  private readonly table = new JobsTable();
  private readonly throttle: Throttle;
  private readonly parallelism: ParallelismTracker;
  /** Part of every idempotency key: keys of an earlier start of the widget never come back. */
  private readonly epoch = randomBytes(6).toString('hex');
  private listingSeq = 0;
  /** Whether the catalog could not be read at the last listing: warned once per such stretch, not every listing. */
  private catalogFailing = false;
  private closed = false;
  /** The node status set last (fill and text). */
  private shownStatus?: string;

  constructor(private readonly RED: NodeAPI, private readonly node: Node, private readonly base: DashboardBase,
    private readonly use: CompanionUse, private readonly settings: WidgetSettings, private readonly t: Messages) {
    this.throttle = new Throttle(() => this.publish(), TABLE_SPACING_MS);
    this.parallelism = new ParallelismTracker((jobId) => use.jobParallelism(jobId), (jobId, parallelism) => {
      if (this.table.setParallelism(jobId, parallelism)) this.throttle.request();
    });
  }

  /** Throws (a bad health threshold) before it watches anything. */
  start(filter: (job: JobSummary) => boolean): void {
    const { healthIntervalMs, healthThresholds } = this.settings;
    if (healthIntervalMs !== null) {
      this.use.watchHealth(this.settings.intervalMs, healthIntervalMs, filter, (incidents) => {
        if (this.table.setIncidents(incidents)) this.throttle.request();
      }, healthThresholds);
    }
    this.use.watchJobs(this.settings.intervalMs, (listing) => { void this.listed(listing, filter); });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.throttle.stop();
    this.parallelism.stop();
    await this.use.close();
  }

  /** ui-base's beforeSend for widget-action: checks and starts the action; sends nothing through ui-base. */
  action(msg: Record<string, unknown>): null {
    const user = actionUser(this.RED, this.base, msg);
    const check = checkAction(msg.payload, this.settings.actions, this.table, this.t);
    if (!check.ok) {
      if (check.row && check.action) {
        this.table.refused(check.row.jobId, { action: check.action, outcome: 'refused', code: 'REFUSED', message: check.refusal });
        this.throttle.request();
      }
      this.audit({
        action: check.action ?? null, jobId: check.jobId ?? null, jobName: check.row?.name ?? null, user, outcome: 'refused',
        error: { code: 'REFUSED', message: check.refusal },
      });
      return null;
    }
    void this.run(check.request, check.row, user);
    return null;
  }

  private async run(request: ActionRequest, row: JobRow, user: unknown): Promise<void> {
    this.table.start(request.jobId, request.action);
    // An action's busy mark and its result go out at once, outside the once-per-second spacing of listings: every
    // browser must see the row busy, even when the action is over within the second.
    this.throttle.flush();
    const idempotencyKey = `${TYPE}:${this.node.id}:${this.epoch}:${request.action}:${request.jobId}:${request.seenVersion}`;
    const outcome = await this.use.runAction({ action: request.action, jobId: request.jobId, idempotencyKey });
    this.table.finish(request.jobId, rowResult(outcome));
    this.throttle.flush();
    this.audit({
      action: request.action, jobId: request.jobId, jobName: row.name, user, outcome: outcome.outcome,
      ...(outcome.outcome === 'ok' ? okFields(outcome) : { error: outcome.error }),
    });
  }

  private async listed(listing: CompanionListing, filter: (job: JobSummary) => boolean): Promise<void> {
    const seq = ++this.listingSeq;
    let savepoints: Map<string, NewestSavepoint> | undefined;
    if (listing.jobs && this.shows('savepoint')) {
      try {
        savepoints = await this.use.newestSavepoints();
        this.catalogFailing = false;
      } catch (err) {
        if (!this.catalogFailing) this.node.warn(this.t('warnings.catalog', { reason: (err as Error).message }));
        this.catalogFailing = true;
      }
    }
    if (seq !== this.listingSeq || this.closed) return; // a newer listing arrived meanwhile, or the widget closed
    const shown: CompanionListing = listing.jobs ? { jobs: listing.jobs.filter(filter) } : listing;
    if (this.table.listed(shown, savepoints, Date.now())) this.throttle.request();
    if (shown.jobs && this.shows('parallelism')) this.parallelism.listed(shown.jobs);
    this.showStatus();
  }

  private shows(column: Column): boolean {
    return this.settings.columns.includes(column);
  }

  /** The node's status after a listing, set only when it changes. */
  private showStatus(): void {
    const { failure } = this.table;
    const status: NodeStatus = failure === undefined
      ? { fill: 'green', shape: 'dot', text: this.t('status.jobs', { count: this.table.size }) }
      : { fill: 'red', shape: 'ring', text: failure?.code ?? 'stale' };
    const shown = `${status.fill} ${status.text}`;
    if (shown === this.shownStatus) return;
    this.shownStatus = shown;
    this.node.status(status);
  }

  private publish(): void {
    if (this.closed) return;
    const msg = { payload: this.table.view() };
    this.base.stores.data.save(this.base, this.node, msg);
    this.base.emit(`msg-input:${this.node.id}`, msg, this.node);
  }

  private audit(record: Omit<AuditRecord, 'at'>): void {
    const payload: AuditRecord = { ...record, at: new Date().toISOString() };
    this.node.send({ topic: TYPE, payload } as NodeMessage);
  }
}

/** What a successful action came to, as its row and its audit show it: the savepoint's location or the job's state. */
function okFields({ location, state }: Extract<JobActionOutcome, { outcome: 'ok' }>): { location?: string; state?: string } {
  return { ...(location ? { location } : {}), ...(state ? { state } : {}) };
}

function rowResult(outcome: JobActionOutcome): RowResult {
  if (outcome.outcome === 'ok') return { action: outcome.action, outcome: 'ok', ...okFields(outcome) };
  return { action: outcome.action, outcome: 'error', code: outcome.error.code, message: outcome.error.message };
}

/**
 * ui-flink-jobs: a Dashboard 2.0 widget with the live jobs of a flink-cluster and guarded actions on them; its
 * output sends one audit message per action. Design: docs/dashboard-widget.md.
 */
export = function (RED: NodeAPI): void {
  const t = runtimeMessages(RED, TYPE);
  RED.nodes.registerType(TYPE, function (this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this as Node;
    const config = def as unknown as WidgetConfig;
    const fail = (text: string): void => {
      node.error(text);
      node.status({ fill: 'red', shape: 'ring', text });
    };

    const group = (typeof config.group === 'string' && config.group ? RED.nodes.getNode(config.group) : null) as (Node & DashboardGroup) | null;
    if (!group || typeof group.register !== 'function') {
      fail(t('errors.noGroup'));
      return;
    }
    let settings: WidgetSettings;
    try {
      settings = widgetSettings(config);
    } catch (err) {
      fail((err as Error).message);
      return;
    }
    const companion = companionOf(RED, config.cluster);
    let widget: JobsWidget | undefined;
    const events = {
      onAction: true,
      beforeSend: (msg: Record<string, unknown>) => (widget ? widget.action(msg) : null),
      // The table is the widget's own: a browser's widget-change or widget-send neither stores nor sends anything.
      onChange: async () => undefined,
      onSend: async () => undefined,
    };
    group.register(node, browserConfig(config, settings), events);

    if (typeof companion === 'string') {
      fail(t(companion === 'missing' ? 'errors.noCluster' : 'errors.incompatible'));
      return;
    }
    let filter: ReturnType<FlinkClusterCompanion['jobFilter']>;
    try {
      filter = companion.jobFilter({ nameFilter: config.nameFilter, nameMatch: config.nameMatch, states: config.states });
    } catch (err) {
      fail((err as Error).message);
      return;
    }
    widget = new JobsWidget(RED, node, group.getBase(), companion.attach(node), settings, t);
    try {
      widget.start(filter);
    } catch (err) {
      fail((err as Error).message);
      widget.close().catch((err: unknown) => node.error(err));
      widget = undefined;
      return;
    }
    node.on('close', (_removed: boolean, done: () => void) => {
      const closing = widget;
      widget = undefined;
      closing?.close().catch((err: unknown) => node.error(err)).finally(done);
    });
  });
};
