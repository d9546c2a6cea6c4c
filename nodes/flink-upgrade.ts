import { clusterOf } from './lib/cluster/cluster-node';
import { deploymentRecord, lastDeployment, recordDeployment, sqlDeploymentRecord } from './lib/deploy/deployments';
import { FlinkNodeError, invalidArgument, toNodeError } from './lib/errors';
import { registerOperationNode, type FlowNodeSettings } from './lib/flow/flow-node';
import { jarSourceInput, obtainJar, releaseJar, type JarSettings } from './lib/deploy/jar-source';
import { booleanInput, savepointInputs, type SavepointSettings } from './lib/flow/message-input';
import type { NodeAPI } from 'node-red';
import {
  checkpointFallbackInput, previousInput, recordedRun, rollbackInput, upgradeRunInputs, upgradeSqlInput, verifyWindowSetting, type UpgradeSettings,
} from './lib/deploy/upgrade-inputs';
import { isSqlRun, runOptions, runUpgrade, type UpgradePlan, type StepName } from './lib/deploy/upgrade-steps';
import { sqlStarter } from './lib/sql/sql-deploy';

interface FlinkUpgradeSettings extends FlowNodeSettings, JarSettings, UpgradeSettings, SavepointSettings {
  /** Emit MAX_WATERMARK before the stop (off: the new jar resumes the job). */
  drain?: boolean;
}

/**
 * flink-upgrade: stop with a savepoint, run the new jar (or msg.sql) from it, verify, roll back to the previous jar
 * (or SQL) on failure. msg.payload = { oldJobId, newJobId, jobId, savepoint, snapshot, steps, rolledBack, rollbackReason?, ... }.
 */
export = function (RED: NodeAPI): void {
  registerOperationNode<FlinkUpgradeSettings>(RED, 'flink-upgrade', {
    activity: 'activity.upgrade',
    async run({ client, signal, msg, resolveJobId, onProgress, showActivity }, settings, { t }) {
      // Everything the message and the node say is checked before anything changes on the cluster.
      const sql = upgradeSqlInput(msg);
      const source = sql ? undefined : jarSourceInput(settings, msg);
      const inputs = upgradeRunInputs(settings, msg);
      const stop = { ...savepointInputs(settings, msg), drain: booleanInput(msg, 'drain', settings.drain === true) };
      const rollback = rollbackInput(settings, msg);
      const checkpointFallback = checkpointFallbackInput(settings, msg);
      const verifyWindowMs = verifyWindowSetting(settings);
      const fromMessage = previousInput(msg);
      if (rollback && inputs.claimMode === 'CLAIM') throw invalidArgument(t('errors.claimWithRollback'));
      const cluster = clusterOf(RED, settings.cluster);
      const state = cluster?.state();
      const redact = cluster?.redact ?? ((text: string) => text);

      const oldJobId = await resolveJobId();
      const { jobName } = await client.getJobDetails(oldJobId, { signal });
      const recorded = fromMessage ? undefined : recordedRun(state ? await lastDeployment(state, jobName) : undefined, oldJobId);
      const previous = fromMessage ?? recorded;
      if (rollback && !previous) {
        const ids = { jobName, jobId: oldJobId };
        throw invalidArgument(sql ? t('errors.noPreviousSql', ids) : t('errors.noPreviousJar', ids));
      }

      const jar = source ? await obtainJar(client, source, signal) : undefined;
      // New SQL takes the session setup the message gives, else the one the job's SQL was recorded with.
      const setup = sql && !sql.setupGiven && previous && isSqlRun(previous) ? previous.setup : sql?.setup;
      const next: UpgradePlan['next'] = sql
        ? { sql: sql.sql, ...(setup ? { setup } : {}), ...(inputs.allowNonRestoredState === undefined ? {} : { allowNonRestoredState: inputs.allowNonRestoredState }) }
        // What the message or the node leave out is carried over from the previous deployment.
        : { jarId: jar!.jarId, ...(previous && !isSqlRun(previous) ? runOptions(previous) : {}), ...inputs };
      const stepLabels: Record<StepName, string> = {
        stop: t('step.stop'), checkpointFallback: t('step.checkpointFallback'), run: t('step.run'),
        verify: t('step.verify'), cancelNew: t('step.cancelNew'), rollback: t('step.rollback'),
      };
      const result = await runUpgrade(client, {
        oldJobId, jobName, next,
        ...(rollback && previous ? { previous } : {}),
        stop, verifyWindowMs, checkpointFallback,
      }, {
        signal, onProgress, redact, onStep: (step) => showActivity(stepLabels[step]),
        ...(cluster ? { startSql: sqlStarter(() => cluster.shared.sqlGateway()) } : {}),
      }).catch(async (err: unknown) => {
        // A jar this message uploaded and nothing ran from (the stop failed) is of no use: it goes.
        const ran = (err as FlinkNodeError).report?.newJobId !== undefined;
        if (!ran && jar) await releaseJar(client, jar, signal).catch(() => undefined);
        throw err;
      });

      if (state) {
        try {
          const running = await client.getJobDetails(result.jobId, { signal });
          const ran = result.running;
          await recordDeployment(state, isSqlRun(ran)
            ? sqlDeploymentRecord(running, ran, result.savepoint)
            : deploymentRecord(running, ran.jarId, { ...runOptions(ran), savepointPath: result.savepoint }, false));
        } catch (err) {
          throw new FlinkNodeError('FLINK_INTERNAL', t('errors.notRecorded', { jobId: result.jobId, reason: toNodeError(err, redact).message }), {
            jobId: result.jobId, report: { ...result },
          });
        }
      }
      msg.jobId = result.jobId;
      const { running, ...payload } = result;
      return {
        payload: { ...payload, ...(isSqlRun(running) ? {} : { jarId: running.jarId }), ...(jar ? { newJarId: jar.jarId } : {}) },
        status: result.rolledBack ? t('status.rolledBack') : t('status.upgraded'),
      };
    },
  });
};
