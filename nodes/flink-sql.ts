import type { NodeAPI } from 'node-red';
import { setTimeout as sleep } from 'node:timers/promises';
import { bindParameters, isFlinkError, type FlinkClusterClient, type SqlSession } from '../src';
import { clusterOf } from './lib/cluster/cluster-node';
import { recordDeployment, sqlDeploymentRecord } from './lib/deploy/deployments';
import { FlinkNodeError, invalidArgument, toNodeError } from './lib/errors';
import { registerOperationNode, type FlowNodeSettings } from './lib/flow/flow-node';
import { sqlInputs, type SqlSettings } from './lib/sql/sql-inputs';
import { readQuery, type RowPage } from './lib/sql/sql-query';
import { settingString } from './lib/values';

interface FlinkSqlSettings extends FlowNodeSettings, SqlSettings {}

/**
 * flink-sql: runs SQL through the cluster's SQL Gateway, in a session of the node's own (set up with its
 * session setup). msg.payload is the last statement's result: a job's { jobId, jobName, state }, a query's rows
 * (with msg.columns), or { ok: true, statement }.
 */
export = function (RED: NodeAPI): void {
  const sessions = new Map<string, SqlSession>();
  registerOperationNode<FlinkSqlSettings>(RED, 'flink-sql', {
    activity: 'activity.sql',
    async run({ client, signal, msg, sendPart }, settings, { node, t }) {
      const inputs = sqlInputs(settings, msg);
      const cluster = clusterOf(RED, settings.cluster);
      if (!cluster) throw invalidArgument(t('errors.noCluster'));
      const state = cluster.state();
      const gateway = cluster.shared.sqlGateway();
      let session = sessions.get(node.id);
      if (!session) {
        const setup = settingString(settings.setup);
        session = gateway.session({ ...(setup ? { setup } : {}), name: `node-red-flink ${node.id}` });
        sessions.set(node.id, session);
      }
      const jobs: Array<{ jobId: string; jobName: string; state: string }> = [];
      let last: { payload: unknown; status: string } | undefined;
      // Parameters go in before anything runs, and the SQL recorded for a rollback is the SQL that ran.
      const sql = inputs.params ? bindParameters(inputs.sql, inputs.params) : inputs.sql;
      const statements = session.executeScript(sql, {
        signal, ...(inputs.jobName ? { jobName: inputs.jobName } : {}),
        ...(inputs.savepointPath ? { savepointPath: inputs.savepointPath, allowNonRestoredState: inputs.allowNonRestoredState } : {}),
      });
      try {
        for await (const result of statements) {
          if (result.kind === 'success') {
            last = { payload: { ok: true, statement: result.statement }, status: t('status.done') };
          } else if (result.kind === 'job') {
            const details = inputs.waitRunning
              ? await client.waitUntilRunning(result.jobId, { signal })
              : await client.getJobDetails(result.jobId, { signal });
            jobs.push({ jobId: details.jobId, jobName: details.jobName, state: details.state });
            last = { payload: jobs.at(-1), status: inputs.waitRunning ? t('status.running') : t('status.submitted', { state: details.state }) };
          } else {
            const pages: RowPage[] = [];
            const outcome = await readQuery(result, { maxRows: inputs.maxRows, timeLimitMs: inputs.queryTimeLimitMs, signal }, (page) => {
              if (inputs.streaming) sendPart({ payload: page.rows, rowKinds: page.rowKinds, columns: columnsOf(result.columns) });
              else pages.push(page);
            });
            msg.columns = outcome.columns;
            msg.stopped = outcome.ended;
            const rows = { rows: outcome.rowCount };
            const status = { eos: () => t('status.eos', rows), limit: () => t('status.limit', rows), time: () => t('status.time', rows) }[outcome.ended]();
            if (inputs.streaming) {
              last = { payload: { stopped: outcome.ended, rowCount: outcome.rowCount }, status };
            } else {
              msg.rowKinds = pages.flatMap((page) => page.rowKinds);
              last = { payload: pages.flatMap((page) => page.rows), status };
            }
          }
        }
      } catch (err) {
        throw await withJobState(err);
      }
      if (jobs.length > 0) {
        msg.jobId = jobs.at(-1)!.jobId;
        if (jobs.length > 1) msg.jobs = jobs;
      }
      // The SQL can be run again from a savepoint by an upgrade's rollback when it submitted one job, as one script.
      if (jobs.length === 1) {
        try {
          const setup = settingString(settings.setup);
          await recordDeployment(state, sqlDeploymentRecord(jobs[0]!, { sql, ...(setup ? { setup } : {}) }, inputs.savepointPath));
        } catch (err) {
          throw new FlinkNodeError('FLINK_INTERNAL', t('errors.notRecorded', { jobId: jobs[0]!.jobId, reason: toNodeError(err, cluster.redact).message }), { jobId: jobs[0]!.jobId });
        }
      }
      return last ?? { payload: { ok: true }, status: t('status.done') };

      /**
       * A statement whose answer was lost names the job it may have started: what Flink says of that job goes with it,
       * once Flink lists it (a submission takes a moment) or after LOST_JOB_WAIT_MS without it.
       */
      async function withJobState(err: unknown): Promise<unknown> {
        const error = toNodeError(err, cluster!.redact);
        if (error.code !== 'FLINK_OUTCOME_UNKNOWN' || !error.jobId) return error;
        const jobState = await lostJobState(client, error.jobId, signal);
        if (jobState === undefined) return error;
        const found = jobState === null
          ? t('errors.lostNoJob', { seconds: LOST_JOB_WAIT_MS / 1000 }) : t('errors.lostJobExists', { state: jobState });
        return new FlinkNodeError(error.code, `${error.message}. ${found}`, { ...error, jobState });
      }
    },
    async closed({ node }) {
      const session = sessions.get(node.id);
      sessions.delete(node.id);
      await session?.close();
    },
  });
};

/** How long a lost statement's job is looked for in Flink. */
const LOST_JOB_WAIT_MS = 10_000;

/** The state of the job a lost statement may have started: null when Flink has not listed it within LOST_JOB_WAIT_MS, undefined when Flink could not be asked. */
async function lostJobState(client: FlinkClusterClient, jobId: string, signal: AbortSignal): Promise<string | null | undefined> {
  const deadline = Date.now() + LOST_JOB_WAIT_MS;
  for (;;) {
    try {
      return await client.getJobStatus(jobId, { signal });
    } catch (err) {
      if (!isFlinkError(err, 'FLINK_JOB_NOT_FOUND')) return undefined;
      if (Date.now() >= deadline) return null;
      await sleep(500, undefined, { signal });
    }
  }
}

function columnsOf(columns: ReadonlyArray<{ name: string; type: string }>): Array<{ name: string; type: string }> {
  return columns.map(({ name, type }) => ({ name, type }));
}
