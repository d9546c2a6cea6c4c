import { sameLocation, type SavepointRecord } from './savepoint-catalog';
import type { HistorySavepoint, JobRun } from './savepoint-history';

/** What Flink's checkpoint history of a live run says about a savepoint. */
export interface HistoryFacts {
  jobId: string;
  checkpointId: number;
  status: string;
  discarded: boolean;
}

/** One line of a job's savepoint list: a catalog record, or a savepoint only Flink's history shows. */
export type ListedSavepoint = Omit<SavepointRecord, 'triggerId' | 'disposal'> & Partial<Pick<SavepointRecord, 'triggerId' | 'disposal'>> & {
  /** Whether the catalog has it (false: only Flink's history shows it; `adopt` adds it). */
  catalogued: boolean;
  /** Whether a live run of the job was restored from it (it is never disposed then). */
  restoredFrom: boolean;
  /** Its entry in a live run's checkpoint history; null when no live run shows it (an earlier run took it). */
  history: HistoryFacts | null;
};

const facts = (savepoint: HistorySavepoint): HistoryFacts => ({
  jobId: savepoint.jobId, checkpointId: savepoint.checkpointId, status: savepoint.status, discarded: savepoint.discarded,
});

/** The completed savepoints of the live runs that are still on storage (Flink has not discarded them). */
function completedInHistory(runs: JobRun[]): Array<HistorySavepoint & { location: string }> {
  return runs.flatMap((run) => run.savepoints)
    .filter((savepoint): savepoint is HistorySavepoint & { location: string } =>
      savepoint.status === 'COMPLETED' && !savepoint.discarded && savepoint.location !== undefined);
}

/**
 * The history's completed savepoints that no record has and the plugin has not disposed of (the history goes on
 * showing those), as records of the job name, oldest first.
 */
export function adoptable(records: SavepointRecord[], runs: JobRun[], jobName: string, disposed: string[]): SavepointRecord[] {
  const known = [...records.map((record) => record.location), ...disposed];
  return completedInHistory(runs)
    .filter((savepoint) => !known.some((location) => sameLocation(location, savepoint.location)))
    .sort((a, b) => a.takenAt.localeCompare(b.takenAt))
    .map(({ jobId, location, takenAt, formatType, kind }) => ({ jobName, jobId, location, takenAt, formatType, kind }));
}

/** The catalog's records merged with the live runs' histories, oldest first. */
export function listSavepoints(records: SavepointRecord[], runs: JobRun[], jobName: string, disposed: string[]): ListedSavepoint[] {
  const history = runs.flatMap((run) => run.savepoints);
  const restored = (location: string): boolean => runs.some((run) => run.restoredFrom !== undefined && sameLocation(run.restoredFrom, location));
  const inHistory = (location: string): HistoryFacts | null => {
    const entry = history.find((savepoint) => savepoint.location !== undefined && sameLocation(savepoint.location, location));
    return entry ? facts(entry) : null;
  };
  const listed: ListedSavepoint[] = [
    ...records.map((record) => ({ ...record, catalogued: true, restoredFrom: restored(record.location), history: inHistory(record.location) })),
    ...adoptable(records, runs, jobName, disposed).map((record) => ({
      ...record, catalogued: false, restoredFrom: restored(record.location), history: inHistory(record.location),
    })),
  ];
  return listed.sort((a, b) => a.takenAt.localeCompare(b.takenAt));
}
