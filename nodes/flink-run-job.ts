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
      const waitOptions = { signal, onProgress, ...(timeoutMs ? { timeoutMs } : {}) };
      if (asApplication) return runApplication();
      const { result: details, jarDeleted } = await submitted('jobId',
        () => client.runJar(jar.jarId, { ...inputs, signal }),
        (jobId) => (waitRunning ? client.waitUntilRunning(jobId, waitOptions) : client.getJobDetails(jobId, { signal })));
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
      async function runApplication(): Promise<{ payload: unknown; status: string }> {
        const { result: application, jarDeleted: deleted } = await submitted('applicationId',
          () => client.runJarApplication(jar.jarId, { ...inputs, signal }),
          (applicationId) => (waitRunning ? client.waitUntilApplicationRunning(applicationId, waitOptions) : client.getApplication(applicationId, { signal })));
        const payload = { ...applicationWithJobs(application), jarId: jar.jarId, jarDeleted: deleted };
        msg.applicationId = application.applicationId;
        if (payload.jobIds.length === 1) msg.jobId = payload.jobIds[0];
        return {
          payload,
          status: waitRunning ? t('status.applicationRunning', { count: payload.jobIds.length }) : t('status.submitted', { state: application.status }),
        };
      }

      /**
       * Submits the run (`start` gives the id Flink took it under) and follows it. A failure deletes the jar this
       * message uploaded (a run Flink accepted has its own copy) and, once Flink may have accepted the run, names it.
       */
      async function submitted<T>(idField: 'jobId' | 'applicationId', start: () => Promise<string>,
        follow: (id: string) => Promise<T>): Promise<{ result: T; jarDeleted: boolean }> {
        let id: string | undefined;
        let result: T;
        try {
          id = await start();
          result = await follow(id);
        } catch (err) {
          if (deleteJar) await release(jar, false);
          throw withOperation(toNodeError(err, redact), { [idField]: id });
        }
        return { result, jarDeleted: deleteJar && await release(jar, true) };
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
