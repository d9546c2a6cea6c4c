import { FlinkVersion, SINCE } from '../../src/version';
import { record } from '../run/journal';
import type { TestFlink } from './test-cluster';

/**
 * The one way a test may be skipped: with a reason the summary reporter prints. A pending test without
 * one (`it.skip`, a bare `this.skip()`) counts as failed, so nothing is left out silently.
 */
const REASON = Symbol.for('node-red-flink.test.skip-reason');

type Marked = { [REASON]?: string; parent?: Marked; type?: string; fullTitle(): string };

/** Skips the running test, or, from a `before` hook, every test of its suite, saying why. */
export function skipTest(context: Mocha.Context, reason: string): never {
  const runnable = context.test as unknown as Marked | undefined;
  const target = runnable?.type === 'hook' ? runnable.parent : runnable;
  if (target) {
    target[REASON] = reason;
    record({ kind: 'skip', title: target.fullTitle(), reason }); // for the reporter of a parallel run, in another process
  }
  context.skip();
}

/** Why a test was skipped (its own reason, or its suite's), or undefined when nobody said. */
export function skipReason(test: Mocha.Runnable): string | undefined {
  for (let node: Marked | undefined = test as unknown as Marked; node; node = node.parent) {
    if (node[REASON]) return node[REASON];
  }
  return undefined;
}

const externalNote = (): string => `the run uses the external Flink at FLINK_URL (${process.env.FLINK_URL})`;

/** For a test on the run's shared Flink that needs it on this machine (reads its disk, controls its JVMs). */
export function requireLocalFlink(context: Mocha.Context, flink: Pick<TestFlink, 'local'>, why: string): void {
  if (!flink.local) skipTest(context, `needs a local Flink: ${why}; ${externalNote()}`);
}

/** For a test that starts and controls Flink JVMs of its own: a FLINK_URL run checks only the external cluster. */
export function requireLocalRun(context: Mocha.Context, why: string): void {
  if (process.env.FLINK_URL) skipTest(context, `starts Flink JVMs of its own: ${why}; ${externalNote()}`);
}

/**
 * For a test on the shared SQL gateway (`testSqlGateway`): a FLINK_URL run has one only where FLINK_SQL_GATEWAY_URL
 * names it.
 */
export function requireSqlGateway<T>(context: Mocha.Context, gateway: T | undefined): asserts gateway is T {
  if (!gateway) skipTest(context, `needs Flink's SQL Gateway, and FLINK_SQL_GATEWAY_URL names none; ${externalNote()}`);
}

/**
 * For a suite's `before` over one of `clientTestVersions()`: a leg other than the run's default needs a
 * cluster of its own, which a FLINK_URL run does not start.
 */
export function requireVersionLeg(context: Mocha.Context, version: string | undefined): void {
  if (version !== undefined && process.env.FLINK_URL) {
    skipTest(context, `the Flink ${version} leg runs on a local cluster only; ${externalNote()}`);
  }
}

/** For a suite on the run's default Flink that runs applications (Flink 2.3 or newer). */
export function requireApplications(context: Mocha.Context, flink: Pick<TestFlink, 'version'>): void {
  if (!FlinkVersion.parse(flink.version).atLeast(SINCE.applications)) {
    skipTest(context, `applications need Flink ${SINCE.applications.join('.')} or newer; the run's default Flink is ${flink.version}`);
  }
}
