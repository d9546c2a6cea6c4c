import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * What the test processes of one run tell its reporter, which may live in another process (mocha's parallel
 * workers): one JSON line per entry in a file that the run's global setup creates and names in the environment.
 */
export type JournalEntry =
  | { kind: 'skip'; title: string; reason: string }
  | { kind: 'flink-version'; version: string }
  | { kind: 'sql-gateway'; gateway: string }
  | { kind: 'file-time'; file: string; ms: number };

const JOURNAL_ENV = 'NODE_RED_FLINK_TEST_JOURNAL';

/** Creates the run's journal (main process, before any worker starts, so every worker inherits its path). */
export function openJournal(): void {
  if (process.env[JOURNAL_ENV]) return;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'node-red-flink-run-'));
  process.env[JOURNAL_ENV] = path.join(dir, 'journal.jsonl');
}

export function record(entry: JournalEntry): void {
  const file = process.env[JOURNAL_ENV];
  if (file) appendFileSync(file, `${JSON.stringify(entry)}\n`); // one short write: lines of several processes do not interleave
}

export function readJournal(): JournalEntry[] {
  const file = process.env[JOURNAL_ENV];
  if (!file || !existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as JournalEntry);
}

export function removeJournal(): void {
  const file = process.env[JOURNAL_ENV];
  if (file) rmSync(path.dirname(file), { recursive: true, force: true });
}
