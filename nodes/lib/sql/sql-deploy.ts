import type { SqlGatewayClient } from '../../../src';
import { invalidArgument } from '../errors';
import type { SqlStarter } from '../deploy/upgrade-steps';

/**
 * Runs a deployment's SQL for an upgrade or its rollback: in a session of its own (set up first, closed after),
 * every statement from the snapshot under the job's name and id. Its job statement must submit that one job.
 */
export function sqlStarter(gateway: () => SqlGatewayClient): SqlStarter {
  return async (run, { savepointPath, jobId, jobName, allowNonRestoredState, signal }) => {
    const session = gateway().session({ ...(run.setup ? { setup: run.setup } : {}) });
    try {
      let submitted = false;
      const options = { jobName, savepointPath, jobId, signal, ...(allowNonRestoredState === undefined ? {} : { allowNonRestoredState }) };
      for await (const result of session.executeScript(run.sql, options)) {
        if (result.kind === 'query') await result.close();
        if (result.kind === 'job') submitted = true;
      }
      if (!submitted) throw invalidArgument('The SQL submitted no job: an upgrade runs an INSERT INTO or EXECUTE STATEMENT SET');
    } finally {
      await session.close();
    }
  };
}
