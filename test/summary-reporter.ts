import Mocha from 'mocha';
import { skipReason } from './flink/skips';
import { flinkVersionsCovered } from './flink/test-cluster';

/**
 * Mocha's spec output, followed by what CI reads: one `skipped: <test> — <why>` line per skipped test,
 * `flink versions: ...` (the Flink versions the run really tested), and last `N passed, N failed, N skipped`.
 * Hook failures count as failures. A test may be skipped only through test/flink/skips (with a reason); any
 * other pending test counts as failed, so nothing is left out silently.
 */
class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    let passed = 0;
    let failed = 0;
    const skipped: string[] = [];
    const unexplained: string[] = [];
    const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;
    runner.on(EVENT_TEST_PASS, () => { passed += 1; });
    runner.on(EVENT_TEST_FAIL, () => { failed += 1; });
    runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => {
      const reason = skipReason(test);
      if (reason) {
        skipped.push(`skipped: ${test.fullTitle()} — ${reason}`);
      } else {
        unexplained.push(`FAILED: ${test.fullTitle()} — pending without a reason (skip only through test/flink/skips)`);
        failed += 1;
        runner.failures += 1; // mocha's exit status counts it too
      }
    });
    runner.once(EVENT_RUN_END, () => {
      const versions = flinkVersionsCovered();
      const lines = [...unexplained, ...skipped, `flink versions: ${versions.length ? versions.join(', ') : 'none'}`];
      process.stdout.write(`\n${lines.join('\n')}\n${passed} passed, ${failed} failed, ${skipped.length} skipped\n`);
    });
  }
}

export = SummaryReporter;
