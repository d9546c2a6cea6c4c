import type { FlinkClusterClient, RescaleEntry } from '../../../src';
import { realClock, type Clock } from '../clock';

/**
 * Flink 2.3's record of the rescale a node caused (FLIP-495), for its output. Read only where the cluster keeps a
 * history (`web.adaptive-scheduler.rescale-history.size` > 0); before 2.3, with the history off, or when Flink does
 * not answer, there is no entry, and that is no error: the rescale itself succeeded or failed on its own.
 */

/** How long after the job runs at the new parallelism the entry may take to show: Flink's REST layer caches job answers for about 3 s. */
const SHOWS_WITHIN_MS = 8_000;
const POLL_MS = 1_000;

/** The rescales Flink had recorded before the node's request (their ids), or undefined when it keeps none to read. */
export async function rescalesBefore(client: FlinkClusterClient, jobId: string, signal: AbortSignal): Promise<Set<string> | undefined> {
  try {
    const { rescaleHistoryMax } = await client.getRescaleConfig(jobId, { signal });
    if (rescaleHistoryMax <= 0) return undefined;
    return new Set((await client.getRescaleHistory(jobId, { signal })).map((entry) => entry.rescaleUuid));
  } catch (err) {
    if (signal.aborted) throw err;
    // Before Flink 2.3 (FLINK_UNSUPPORTED), or a history that cannot be read: no entry, and the rescale goes on.
    return undefined;
  }
}

/**
 * The entry of the rescale the node's request started: of the rescales recorded since (ids not in `before`), the
 * oldest one Flink started on an update of the resource requirements (`triggerCause` UPDATE_REQUIREMENT) whose
 * vertices' desired parallelism is what the node asked for, with its details (each vertex's parallelism before and
 * after). Undefined when none shows within a few seconds.
 */
export async function rescaleEntry(client: FlinkClusterClient, jobId: string, before: Set<string>, wanted: Record<string, number>,
  signal: AbortSignal, clock: Clock = realClock): Promise<RescaleEntry | undefined> {
  const until = clock.now() + SHOWS_WITHIN_MS;
  const checked = new Set<string>();
  try {
    for (;;) {
      const added = (await client.getRescaleHistory(jobId, { signal }))
        .filter((entry) => !before.has(entry.rescaleUuid) && !checked.has(entry.rescaleUuid) && entry.triggerCause === 'UPDATE_REQUIREMENT' && entry.terminalState)
        .reverse(); // the history lists the newest first
      for (const entry of added) {
        checked.add(entry.rescaleUuid);
        const details = await client.getRescaleDetails(jobId, entry.rescaleUuid, { signal });
        const desired = (vertexId: string): number | null | undefined => details.vertices[vertexId]?.desiredParallelism;
        if (Object.entries(wanted).every(([vertexId, parallelism]) => desired(vertexId) === parallelism)) return details;
      }
      if (clock.now() >= until) return undefined;
      await clock.sleep(POLL_MS, signal);
    }
  } catch (err) {
    if (signal.aborted) throw err;
    return undefined;
  }
}
