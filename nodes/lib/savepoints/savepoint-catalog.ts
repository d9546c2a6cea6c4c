import type { ClusterState } from '../cluster/cluster-state';

/** How a catalogued savepoint was taken. */
export type SavepointKind = 'savepoint' | 'stop' | 'cancel-with-savepoint';

/** The last failed attempt to dispose of a savepoint: its record stays until a disposal succeeds. */
export interface DisposalFailure {
  /** ISO time of the last failed attempt. */
  failedAt: string;
  code: string;
  message: string;
  /** Failed attempts so far. */
  attempts: number;
}

/** One savepoint the plugin took (or adopted from Flink's history), as the catalog keeps it. */
export interface SavepointRecord {
  jobName: string;
  /** The job (run) it was taken of: a job gets a new id each time it is submitted again. */
  jobId: string;
  /** Absent for a savepoint adopted from Flink's history (Flink's history does not keep trigger ids). */
  triggerId?: string;
  location: string;
  /** ISO time it completed (recorded) or Flink acknowledged it (adopted). */
  takenAt: string;
  formatType: string;
  kind: SavepointKind;
  disposal?: DisposalFailure;
}

/** The catalog of one cluster: records per job name, oldest first. */
type Catalog = Record<string, SavepointRecord[]>;

/** The cluster-state section that holds the catalog. */
export const CATALOG_SECTION = 'savepoints';

/** Two spellings Flink uses for one path: `file:/x` and `file:///x`, with or without a trailing slash. */
export function sameLocation(a: string, b: string): boolean {
  const normal = (location: string): string => location.trim().replace(/^file:\/\/\//, 'file:/').replace(/\/+$/, '');
  return normal(a) === normal(b);
}

function withoutEmptyJobs(catalog: Catalog): Catalog | undefined {
  const kept = Object.fromEntries(Object.entries(catalog).filter(([, records]) => records.length > 0));
  return Object.keys(kept).length === 0 ? undefined : kept;
}

/** The records of a job name, oldest first (none when the catalog does not know it). */
export async function readSavepoints(state: ClusterState, jobName: string): Promise<SavepointRecord[]> {
  return (await state.read<Catalog>(CATALOG_SECTION))?.[jobName] ?? [];
}

/** The newest record of each job name the catalog knows. */
export async function newestSavepoints(state: ClusterState): Promise<Map<string, SavepointRecord>> {
  const catalog = (await state.read<Catalog>(CATALOG_SECTION)) ?? {};
  const newest = new Map<string, SavepointRecord>();
  for (const [jobName, records] of Object.entries(catalog)) {
    const latest = records.reduce<SavepointRecord | undefined>((found, record) => (!found || record.takenAt > found.takenAt ? record : found), undefined);
    if (latest) newest.set(jobName, latest);
  }
  return newest;
}

/**
 * Adds records to their job's list, each once: a location the job's list already has is not added again (two
 * messages that followed one trigger give one record). Returns the records that were new.
 */
export async function recordSavepoints(state: ClusterState, records: SavepointRecord[]): Promise<SavepointRecord[]> {
  const added: SavepointRecord[] = [];
  await state.update<Catalog>(CATALOG_SECTION, (current) => {
    const catalog: Catalog = { ...current };
    for (const record of records) {
      const list = catalog[record.jobName] ?? [];
      if (list.some((known) => sameLocation(known.location, record.location))) continue;
      catalog[record.jobName] = [...list, record];
      added.push(record);
    }
    return catalog;
  });
  return added;
}

/** Adds one record unless its job's list has its location; true when it was new. */
export async function recordSavepoint(state: ClusterState, record: SavepointRecord): Promise<boolean> {
  return (await recordSavepoints(state, [record])).length === 1;
}

/**
 * Locations disposed of through the plugin, newest last: Flink's checkpoint history keeps showing a savepoint after
 * its disposal (it does not know), so adopt skips these. Bounded: Flink's history shows only its last few entries.
 */
export const DISPOSED_SECTION = 'disposedSavepoints';
const DISPOSED_KEPT = 200;

export async function readDisposedLocations(state: ClusterState): Promise<string[]> {
  return (await state.read<string[]>(DISPOSED_SECTION)) ?? [];
}

/**
 * After a disposal succeeded: drops the location's records, whatever job they are under, and remembers the
 * location as disposed. Returns how many records there were.
 */
export async function markDisposed(state: ClusterState, location: string): Promise<number> {
  let forgotten = 0;
  await state.update<Catalog>(CATALOG_SECTION, (current) => {
    if (!current) return current;
    const remaining = Object.fromEntries(Object.entries(current).map(([jobName, list]) => {
      const kept = list.filter((record) => !sameLocation(record.location, location));
      forgotten += list.length - kept.length;
      return [jobName, kept];
    }));
    return forgotten === 0 ? current : withoutEmptyJobs(remaining);
  });
  await state.update<string[]>(DISPOSED_SECTION, (current = []) =>
    [...current.filter((known) => !sameLocation(known, location)), location].slice(-DISPOSED_KEPT));
  return forgotten;
}

/** Marks a record's disposal failed (one more attempt); returns the record as it now is, if the catalog has it. */
export async function markDisposalFailed(state: ClusterState, jobName: string, location: string,
  failure: { code: string; message: string }, now: Date): Promise<SavepointRecord | undefined> {
  let marked: SavepointRecord | undefined;
  await state.update<Catalog>(CATALOG_SECTION, (current) => {
    const list = current?.[jobName];
    if (!current || !list) return current;
    return {
      ...current,
      [jobName]: list.map((record) => {
        if (!sameLocation(record.location, location)) return record;
        marked = {
          ...record,
          disposal: { failedAt: now.toISOString(), code: failure.code, message: failure.message, attempts: (record.disposal?.attempts ?? 0) + 1 },
        };
        return marked;
      }),
    };
  });
  return marked;
}
