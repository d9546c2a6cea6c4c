import { FlinkError } from './errors';

/** A Flink release, as `/config` reports it ("2.3.0", "1.20-SNAPSHOT"). */
export class FlinkVersion {
  constructor(readonly major: number, readonly minor: number, readonly patch: number, readonly raw: string) {}

  static parse(raw: string): FlinkVersion {
    const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(raw.trim());
    if (!match) {
      throw new FlinkError({ code: 'FLINK_INVALID_RESPONSE', message: `Flink reported a version that is not one: "${raw}"` });
    }
    return new FlinkVersion(Number(match[1]), Number(match[2]), Number(match[3] ?? 0), raw);
  }

  atLeast([major, minor]: Since): boolean {
    return this.major > major || (this.major === major && this.minor >= minor);
  }

  toString(): string {
    return this.raw;
  }
}

export type Since = readonly [major: number, minor: number];

/** The first Flink release that has each REST feature the client uses conditionally. */
export const SINCE = {
  /** `triggerId` in savepoint and stop requests (idempotent triggers), and `formatType`. */
  triggerIdAndFormatType: [1, 15],
  /** `GET /jobs/{jobid}/status`. */
  jobStatusEndpoint: [1, 16],
  /** `POST /jobs/{jobid}/checkpoints`. */
  checkpointTrigger: [1, 17],
  /**
   * `GET`/`PUT /jobs/{jobid}/resource-requirements` (FLIP-291), answered only by the adaptive scheduler. In
   * every spec the project checks against (1.20, 2.0, 2.3); added in 1.18.
   */
  resourceRequirements: [1, 18],
  /** `claimMode` in the jar-run body (`restoreMode` before). */
  claimMode: [1, 20],
  /**
   * `jobId` in the jar-run body. In every spec the project checks against (1.20, 2.0, 2.3); older lines are
   * not checked, and before 1.20 an unknown field fails the whole request, so it is not sent to them.
   */
  jarRunJobId: [1, 20],
  /** `flinkConfiguration` in the jar-run body: the job's own configuration (in every spec the project checks against). */
  jarRunFlinkConfiguration: [1, 17],
  /**
   * Applications (FLIP-549 / FLIP-560): `/applications/...` and `POST /jars/{jarid}/run-application`, one run of
   * a jar's `main()` with the jobs it submits.
   */
  applications: [2, 3],
  /** `GET /jobs/{jobid}/rescales/{config,history,overview,summary,details/{rescaleuuid}}` (FLIP-495): the adaptive scheduler's rescale history. */
  rescaleHistory: [2, 3],
} as const satisfies Record<string, Since>;

export function requireFeature(version: FlinkVersion, since: Since, feature: string): void {
  if (!version.atLeast(since)) {
    throw new FlinkError({
      code: 'FLINK_UNSUPPORTED',
      message: `${feature} needs Flink ${since[0]}.${since[1]} or newer; this cluster runs Flink ${version}`,
    });
  }
}
