import { isFlinkError, type ApplicationDetails, type FlinkClusterClient } from '../../src';

/**
 * The application once `jobCount` of its jobs run. A fixture whose `main()` submits several jobs knows how
 * many; Flink does not, and `waitUntilApplicationRunning` can return between two of them on a loaded machine.
 * Fails after `timeoutMs`, naming the jobs Flink listed for the application by then.
 */
export async function applicationRunningWithJobs(client: FlinkClusterClient, applicationId: string, jobCount: number, timeoutMs = 60_000): Promise<ApplicationDetails> {
  const deadline = Date.now() + timeoutMs;
  let seen: ApplicationDetails | undefined;
  while (Date.now() < deadline) {
    try {
      seen = await client.waitUntilApplicationRunning(applicationId, { timeoutMs: deadline - Date.now() });
    } catch (err) {
      if (!isFlinkError(err, 'FLINK_TIMEOUT')) throw err;
      seen = await client.getApplication(applicationId);
      break;
    }
    if (seen.jobs.length >= jobCount) return seen;
  }
  const jobs = seen?.jobs.map((job) => `${job.jobName} ${job.state}`).join(', ') || 'none';
  throw new Error(`application ${applicationId} did not run ${jobCount} jobs within ${timeoutMs / 1000} s (${seen?.status ?? 'not seen'}); its jobs: ${jobs}`);
}

/** Cancels the applications a suite started and waits until each has ended (up to 60 s each); an ended one is left as it is. */
export async function cancelApplications(client: FlinkClusterClient, applicationIds: readonly string[]): Promise<void> {
  for (const applicationId of applicationIds) {
    await client.cancelApplication(applicationId).catch(() => undefined); // an ended one is FLINK_CONFLICT: nothing to do
    await client.waitUntilApplicationEnded(applicationId, { timeoutMs: 60_000 }).catch(() => undefined);
  }
}
