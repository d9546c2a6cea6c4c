import Mocha from 'mocha';
import path from 'node:path';
import { skipReason } from './flink/skips';
import { flinkVersionsCovered } from './flink/test-cluster';
import { sqlGatewaysCovered } from './flink/test-sql-gateway';
import { readJournal } from './run/journal';

/** How many of the slowest test files the summary lists. */
const SLOWEST_SHOWN = 10;

/**
 * Mocha's spec output, followed by what CI reads: one `skipped: <test> — <why>` line per skipped test, the slowest
 * test files with their times, `flink versions: ...` (the Flink versions the run really tested), and last
 * `N passed, N failed, N skipped`. Hook failures count as failures. A test may be skipped only through
 * test/flink/skips (with a reason); any other pending test counts as failed, so nothing is left out silently. Before
 * the versions, `sql gateways: ...` names each SQL gateway the run started with its jar's release, if any.
 *
 * In parallel mode the tests run in worker processes and their events reach this reporter a whole file at a time:
 * skip reasons, file times and started Flink versions come from the run's journal (test/run/journal.ts).
 */
class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const parallel = (runner as Mocha.Runner & { isParallelMode?(): boolean }).isParallelMode?.() === true;
    const started = Date.now();
    let passed = 0;
    let failed = 0;
    const pending: Mocha.Test[] = [];
    const serialFileTimes = new Map<string, number>();
    const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END, EVENT_SUITE_BEGIN, EVENT_SUITE_END } = Mocha.Runner.constants;
    const filesSeen = new Set<string>();
    const seen = (runnable: Mocha.Runnable): void => { if (runnable.file) filesSeen.add(path.relative(process.cwd(), runnable.file)); };
    runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => { passed += 1; seen(test); });
    runner.on(EVENT_TEST_FAIL, (test: Mocha.Test) => { failed += 1; seen(test); });
    runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => { pending.push(test); seen(test); });
    if (!parallel) { // events come as they happen: a file's top-level suites time it
      const fileSuiteStarts = new Map<Mocha.Suite, number>();
      runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => { if (suite.file && suite.parent?.root) fileSuiteStarts.set(suite, Date.now()); });
      runner.on(EVENT_SUITE_END, (suite: Mocha.Suite) => {
        const since = fileSuiteStarts.get(suite);
        if (since === undefined || !suite.file) return;
        const file = path.relative(process.cwd(), suite.file);
        serialFileTimes.set(file, (serialFileTimes.get(file) ?? 0) + Date.now() - since);
      });
    }
    runner.once(EVENT_RUN_END, () => {
      const journal = readJournal();
      const journalReasons = journal.flatMap((entry) => (entry.kind === 'skip' ? [entry] : []));
      const reasonOf = (test: Mocha.Test): string | undefined => skipReason(test) ?? journalReasons.find(({ title }) => {
        const full = test.fullTitle();
        return full === title || full.startsWith(`${title} `);
      })?.reason;
      const skipped: string[] = [];
      const unexplained: string[] = [];
      for (const test of pending) {
        const reason = reasonOf(test);
        if (reason) {
          skipped.push(`skipped: ${test.fullTitle()} — ${reason}`);
        } else {
          unexplained.push(`FAILED: ${test.fullTitle()} — pending without a reason (skip only through test/flink/skips)`);
          failed += 1;
          runner.failures += 1; // mocha's exit status counts it too
        }
      }
      const fileTimes = parallel
        ? journal.flatMap((entry) => (entry.kind === 'file-time' ? [[entry.file, entry.ms] as const] : []))
        : [...serialFileTimes];
      const versions = [...new Set([
        ...flinkVersionsCovered(),
        ...journal.flatMap((entry) => (entry.kind === 'flink-version' ? [entry.version] : [])),
      ])];
      const gateways = [...new Set([
        ...sqlGatewaysCovered(),
        ...journal.flatMap((entry) => (entry.kind === 'sql-gateway' ? [entry.gateway] : [])),
      ])];
      const lines = [
        ...unexplained, ...skipped,
        ...slowestFiles(fileTimes, filesSeen, Date.now() - started, parallel ? (options as { jobs?: number } | undefined)?.jobs : undefined),
        ...(gateways.length ? [`sql gateways: ${gateways.join(', ')}`] : []),
        `flink versions: ${versions.length ? versions.join(', ') : 'none'}`,
      ];
      process.stdout.write(`\n${lines.join('\n')}\n${passed} passed, ${failed} failed, ${skipped.length} skipped\n`);
    });
  }
}

/** The table of the slowest files; `workers` is set when files ran side by side. */
function slowestFiles(fileTimes: ReadonlyArray<readonly [string, number]>, filesSeen: ReadonlySet<string>, wallMs: number,
  workers: number | undefined): string[] {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`.padStart(8);
  const total = fileTimes.reduce((sum, [, ms]) => sum + ms, 0);
  const slowest = [...fileTimes].sort((a, b) => b[1] - a[1]).slice(0, SLOWEST_SHOWN);
  return [
    `slowest test files (of ${fileTimes.length}; ${seconds(total).trim()} of file time in ${seconds(wallMs).trim()}${workers ? `, files side by side in ${workers} workers` : ''}):`,
    ...slowest.map(([file, ms]) => `${seconds(ms)}  ${file}`),
    ...[...filesSeen].filter((file) => !fileTimes.some(([timed]) => timed === file)).map((file) => `       ?  ${file} (no time recorded)`),
  ];
}

export = SummaryReporter;
