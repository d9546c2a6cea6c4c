import type { ApplicationDetails, FlinkClusterClient } from '../../src';

/**
 * The application once `jobCount` of its jobs run. A fixture whose `main()` submits several jobs knows how
 * many; Flink does not, and `waitUntilApplicationRunning` can return between two of them on a loaded machine.
 */
export async function applicationRunningWithJobs(client: FlinkClusterClient, applicationId: string, jobCount: number): Promise<ApplicationDetails> {
  for (;;) {
    const details = await client.waitUntilApplicationRunning(applicationId);
    if (details.jobs.length >= jobCount) return details;
  }
}
