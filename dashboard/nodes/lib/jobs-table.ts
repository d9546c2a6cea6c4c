import type { CompanionIncident, CompanionListing, JobAction, JobSummary, NewestSavepoint } from '../../../nodes/lib/companion/companion-api';

/** An open health incident on a row. */
export type RowIncident = Pick<CompanionIncident, 'kind' | 'severity' | 'since'>;

/** What the last action on a job came to, as its row shows it. */
export type RowResult =
  | { action: JobAction; outcome: 'ok'; location?: string; state?: string }
  | { action: JobAction; outcome: 'error' | 'refused'; code: string; message: string };

/** One row as the browser gets it. */
export interface JobRow {
  jobId: string;
  name: string;
  state: string;
  startTime: number | null;
  endTime: number | null;
  /** The highest parallelism of the job's vertices; null until known. */
  parallelism: number | null;
  savepoint: { location: string; takenAt: string } | null;
  /** The job's open health incidents (the widget's own health rounds), oldest first. */
  incidents: RowIncident[];
  /** The action running on the job now, if any: every browser disables the row's buttons. */
  busy: JobAction | null;
  result: RowResult | null;
  /**
   * Changes when the job does something: its state, its start or end, an action starting or ending on it. An
   * action names the version it saw and is refused when the job moved on (a RUNNING job that restarted in
   * between included). What the row only learns about the job (its parallelism, a newer savepoint, a result shown)
   * does not count.
   */
  version: number;
}

/** The whole table as the browser gets it in msg.payload. */
export interface TableView {
  version: number;
  /** When the last listing arrived (ms since the epoch). */
  updatedAt: number | null;
  /** Since when listings fail (the rows are those of the last listing that worked); null while they work. */
  staleSince: number | null;
  error: { code: string; message: string } | null;
  rows: JobRow[];
}

type RowContent = Omit<JobRow, 'version'>;

function sameContent(a: object, b: object): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What its version follows: what the job does. */
function facts({ state, startTime, endTime, busy }: RowContent): Pick<RowContent, 'state' | 'startTime' | 'endTime' | 'busy'> {
  return { state, startTime, endTime, busy };
}

/**
 * The widget's table: the jobs of the last listing that matched its filters, with their newest savepoint, the
 * action running on each and the last result. Keeps a version per row and one for the table, raised only on a change.
 */
export class JobsTable {
  private rows = new Map<string, JobRow>();
  private jobs: JobSummary[] = [];
  private savepoints = new Map<string, NewestSavepoint>();
  private readonly parallelisms = new Map<string, number>();
  private incidents = new Map<string, RowIncident[]>();
  private readonly busy = new Map<string, JobAction>();
  private readonly results = new Map<string, RowResult>();
  private version = 0;
  private rowVersions = 0;
  private updatedAt: number | null = null;
  private staleSince: number | null = null;
  private error: TableView['error'] = null;

  /** A listing arrived (with the catalog's newest savepoints, when they could be read); whether the table changed. */
  listed(listing: CompanionListing, savepoints: Map<string, NewestSavepoint> | undefined, now: number): boolean {
    const before = this.version;
    if (listing.jobs) {
      this.jobs = [...listing.jobs].sort((a, b) => a.name.localeCompare(b.name) || a.jobId.localeCompare(b.jobId));
      if (savepoints) this.savepoints = savepoints;
      this.updatedAt = now;
      this.setHealth(null, null);
    } else {
      this.setHealth(this.staleSince ?? now, listing.error);
    }
    this.rebuild();
    return this.version !== before;
  }

  /** How many rows the table has. */
  get size(): number {
    return this.rows.size;
  }

  /** While listings fail: the last failure (null when it had no error); undefined while they work. */
  get failure(): TableView['error'] | undefined {
    return this.staleSince === null ? undefined : this.error;
  }

  row(jobId: string): JobRow | undefined {
    return this.rows.get(jobId);
  }

  isBusy(jobId: string): boolean {
    return this.busy.has(jobId);
  }

  /** The job's parallelism became known or changed. */
  setParallelism(jobId: string, parallelism: number): boolean {
    const before = this.version;
    this.parallelisms.set(jobId, parallelism);
    this.rebuild();
    return this.version !== before;
  }

  /** The open incidents changed (all of them, of every job); whether the table changed. */
  setIncidents(incidents: CompanionIncident[]): boolean {
    const before = this.version;
    const byJob = new Map<string, RowIncident[]>();
    for (const { jobId, kind, severity, since } of [...incidents].sort((a, b) => a.since - b.since)) {
      if (jobId) byJob.set(jobId, [...(byJob.get(jobId) ?? []), { kind, severity, since }]);
    }
    this.incidents = byJob;
    this.rebuild();
    return this.version !== before;
  }

  /** An action starts on the job: its row shows it busy and drops the previous result. */
  start(jobId: string, action: JobAction): void {
    this.busy.set(jobId, action);
    this.results.delete(jobId);
    this.rebuild();
  }

  /** An action ended: its row shows the result and is no longer busy. */
  finish(jobId: string, result: RowResult): void {
    this.busy.delete(jobId);
    this.results.set(jobId, result);
    this.rebuild();
  }

  /**
   * An action was refused, so it never started: its row shows the refusal, and an action already running on the
   * job (the refusal's usual cause) keeps its busy mark until it ends.
   */
  refused(jobId: string, result: RowResult): void {
    this.results.set(jobId, result);
    this.rebuild();
  }

  view(): TableView {
    return {
      version: this.version, updatedAt: this.updatedAt, staleSince: this.staleSince, error: this.error,
      rows: [...this.rows.values()],
    };
  }

  private setHealth(staleSince: number | null, error: TableView['error']): void {
    if (this.staleSince === staleSince && JSON.stringify(this.error) === JSON.stringify(error)) return;
    this.staleSince = staleSince;
    this.error = error;
    this.version += 1;
  }

  private rebuild(): void {
    const next = new Map<string, JobRow>();
    let changed = false;
    for (const job of this.jobs) {
      const savepoint = this.savepoints.get(job.name);
      const content: RowContent = {
        jobId: job.jobId, name: job.name, state: job.state, startTime: job.startTime, endTime: job.endTime,
        parallelism: this.parallelisms.get(job.jobId) ?? null,
        savepoint: savepoint ? { location: savepoint.location, takenAt: savepoint.takenAt } : null,
        incidents: this.incidents.get(job.jobId) ?? [],
        busy: this.busy.get(job.jobId) ?? null, result: this.results.get(job.jobId) ?? null,
      };
      const known = this.rows.get(job.jobId);
      const row = this.nextRow(known, content);
      next.set(job.jobId, row);
      if (row !== known) changed = true;
    }
    const before = [...this.rows.keys()];
    if (next.size !== this.rows.size || [...next.keys()].some((id, index) => before[index] !== id)) changed = true;
    for (const jobId of this.results.keys()) if (!next.has(jobId) && !this.busy.has(jobId)) this.results.delete(jobId);
    for (const jobId of this.parallelisms.keys()) if (!next.has(jobId)) this.parallelisms.delete(jobId);
    this.rows = next;
    if (changed) this.version += 1;
  }

  /** The job's row: the known one when nothing changed; else a new one, with the known version when the job's facts did not change. */
  private nextRow(known: JobRow | undefined, content: RowContent): JobRow {
    if (!known) return { ...content, version: ++this.rowVersions };
    const knownContent = withoutVersion(known);
    if (sameContent(knownContent, content)) return known;
    return { ...content, version: sameContent(facts(knownContent), facts(content)) ? known.version : ++this.rowVersions };
  }
}

function withoutVersion(row: JobRow): RowContent {
  const { version: _version, ...content } = row;
  return content;
}
