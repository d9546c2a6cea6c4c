import { createHash } from 'node:crypto';

/** What can go wrong with a job, or with the cluster itself. */
export const INCIDENT_KINDS = [
  'restart-loop', 'job-failed', 'job-lost', 'checkpoints-failing', 'checkpoints-stale', 'backpressure', 'cluster-unreachable',
  'application-failed',
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export type Severity = 'critical' | 'warning';

/** A job that cannot do its work is critical; one that works but is at risk (its recovery point ages, it lags) is a warning. */
export const SEVERITY: Record<IncidentKind, Severity> = {
  'restart-loop': 'critical',
  'job-failed': 'critical',
  'job-lost': 'critical',
  'checkpoints-failing': 'warning',
  'checkpoints-stale': 'warning',
  backpressure: 'warning',
  'cluster-unreachable': 'critical',
  'application-failed': 'critical',
};

/** The failure behind a job's failure or restarts (the newest entry of its exception history), or an application's (the first). */
export interface RootCause {
  exceptionClass: string;
  message: string;
  failureLabels: Record<string, string>;
  /** When Flink recorded it (ms since the epoch), null when Flink did not say. */
  timestamp: number | null;
  /** An application's failure: the root cause's first stack frames ("at ..." lines). */
  frames?: string[];
}

/**
 * An open incident: one condition of one job, of one application (Flink 2.3+: jobId and jobName null, the
 * application named instead), or of the cluster (jobId and jobName null).
 */
export interface Incident {
  incidentId: string;
  kind: IncidentKind;
  severity: Severity;
  jobId: string | null;
  jobName: string | null;
  /** An application's incident: the application, and its name (its main class). */
  applicationId?: string;
  applicationName?: string;
  /** When the condition began (ms since the epoch). */
  since: number;
  /** What was measured: restarts, failed checkpoints, ages, vertices... */
  values: Record<string, unknown>;
  rootCause?: RootCause;
}

/** What the node sends: an incident opening, or its resolution. */
export interface IncidentEvent extends Incident {
  event: 'opened' | 'resolved';
  resolvedAt?: number;
}

/**
 * The same incident gets the same id wherever and whenever it is computed: from the cluster config, the job
 * (or the application), the kind and the moment the condition began. Two health nodes seeing one failure, or a node redeployed while
 * an incident is open, name it alike.
 */
export function incidentId(clusterId: string, jobId: string | null, kind: IncidentKind, since: number): string {
  return createHash('sha256').update(`${clusterId}|${jobId ?? 'cluster'}|${kind}|${since}`).digest('hex').slice(0, 24);
}

/** The key of an incident among the open ones: one per job (or application) and kind. */
export function incidentKey(jobId: string | null, kind: IncidentKind): string {
  return `${jobId ?? 'cluster'}|${kind}`;
}

/** An incident as the node's context remembers it across a redeploy; anything else read from the context is ignored. */
export function isIncident(value: unknown): value is Incident {
  if (typeof value !== 'object' || value === null) return false;
  const incident = value as Partial<Incident>;
  return typeof incident.incidentId === 'string' && INCIDENT_KINDS.includes(incident.kind as IncidentKind)
    && typeof incident.since === 'number' && (incident.jobId === null || typeof incident.jobId === 'string');
}
