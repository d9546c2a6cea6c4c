import type { ApplicationDetails, JobDetails } from '../src';
import { applicationWithJobs } from './lib/applications/application-summary';
import { clusterOf } from './lib/cluster/cluster-node';
import { deploymentRecord, recordDeployment } from './lib/deploy/deployments';
import { FlinkNodeError, toNodeError, withOperation } from './lib/errors';
import { registerOperationNode, type FlowNodeSettings } from './lib/flow/flow-node';
import { jarSourceInput, obtainJar, releaseJar, type JarSettings, type ObtainedJar } from './lib/deploy/jar-source';
import { booleanInput, timeoutSetting } from './lib/flow/message-input';
import type { NodeAPI } from 'node-red';
import { runInputs, type RunSettings } from './lib/deploy/run-settings';

interface RunJobSettings extends FlowNodeSettings, JarSettings, RunSettings {
  /** Send the result once every vertex is RUNNING (default), or as soon as Flink accepted the job. */
  waitRunning?: boolean;
  /** Delete the jar after the run when this node uploaded it. */
  deleteJar?: boolean;
  /** Run the jar's main() as an application (Flink 2.3+), which may submit several jobs. */
  asApplication?: boolean;
  timeout?: number | string;
}

/**
 * flink-run-job: msg.payload = { jobId, jobName, jarId, state, jarDeleted }; as an application (Flink 2.3+),
 * msg.payload = { applicationId, name, status, jobIds, jobs, ..., jarId, jarDeleted }.
 */
export = function (RED: NodeAPI): void {
  registerOperationNode<RunJobSettings>(RED, 'flink-run-job', {
    activity: 'activity.run',
    async run({ client, signal, msg, onProgress }, settings, { node, t }) {
      const source = jarSourceInput(settings, msg);
      const inputs = runInputs(settings, msg);
      const waitRunning = booleanInput(msg, 'waitRunning', settings.waitRunning !== false);
      const deleteJar = booleanInput(msg, 'deleteJar', settings.deleteJar === true);
      const asApplication = booleanInput(msg, 'asApplication', settings.asApplication === true);
      const timeoutMs = timeoutSetting(settings);
      const cluster = clusterOf(RED, settings.cluster);
      const redact = cluster?.redact ?? ((text: string) => text);
      // An unknown context store fails here, before anything runs.
      const state = cluster?.state();
      const jar = await obtainJar(client, source, signal);
      if (asApplication) return runApplication(jar);
      let details: JobDetails;
      let runId: string | undefined;
      try {
        runId = await client.runJar(jar.jarId, { ...inputs, signal });
        details = waitRunning
          ? await client.waitUntilRunning(runId, { signal, onProgress, ...(timeoutMs ? { timeoutMs } : {}) })
          : await client.getJobDetails(runId, { signal });
      } catch (err) {
        // The run failed: the jar this message uploaded is of no use (a job Flink accepted has its own copy).
        if (deleteJar) await release(jar, false);
        // The client names the job in a failed run; once Flink accepted it, the node does in any later failure.
        throw withOperation(toNodeError(err, redact), { jobId: runId });
      }
      const jarDeleted = deleteJar && await release(jar, true);
      const { jobId, jobName } = details;
      msg.jobId = jobId;
      if (state) {
        try {
          await recordDeployment(state, deploymentRecord(details, jar.jarId, inputs, jarDeleted));
        } catch (err) {
          throw new FlinkNodeError('FLINK_INTERNAL', t('errors.notRecorded', { jobId, reason: toNodeError(err, redact).message }), { jobId });
        }
      }
      return {
        payload: { jobId, jobName, jarId: jar.jarId, state: details.state, jarDeleted },
        status: waitRunning ? t('status.running') : t('status.submitted', { state: details.state }),
      };

      /**
       * Runs the jar's main() as an application and waits until every job it submitted runs. Flink does not say
       * which jar an application came from, and an upgrade replaces one job: the run is not recorded as a deployment.
       */
      async function runApplication(obtained: ObtainedJar): Promise<{ payload: unknown; status: string }> {
        let application: ApplicationDetails;
        let applicationId: string | undefined;
        try {
          applicationId = await client.runJarApplication(obtained.jarId, { ...inputs, signal });
          application = waitRunning
            ? await client.waitUntilApplicationRunning(applicationId, { signal, onProgress, ...(timeoutMs ? { timeoutMs } : {}) })
            : await client.getApplication(applicationId, { signal });
        } catch (err) {
          if (deleteJar) await release(obtained, false);
          throw withOperation(toNodeError(err, redact), { applicationId });
        }
        const jarDeleted = deleteJar && await release(obtained, true);
        const payload = { ...applicationWithJobs(application), jarId: obtained.jarId, jarDeleted };
        msg.applicationId = application.applicationId;
        if (payload.jobIds.length === 1) msg.jobId = payload.jobIds[0];
        return {
          payload,
          status: waitRunning ? t('status.applicationRunning', { count: payload.jobIds.length }) : t('status.submitted', { state: application.status }),
        };
      }

      /** Deletes a jar this message uploaded; a failure only warns (the job's outcome stands). Whether it was deleted. */
      async function release(obtained: ObtainedJar, afterRun: boolean): Promise<boolean> {
        if (!obtained.uploaded) return false;
        try {
          await releaseJar(client, obtained, signal);
          return true;
        } catch (err) {
          const details = { jarId: obtained.jarId, reason: toNodeError(err, redact).message };
          node.warn(afterRun ? t('errors.jarKept', details) : t('errors.jarKeptAfterFailure', details));
          return false;
        }
      }
    },
  });
};
