import type { JobAction } from '../../../nodes/lib/companion/companion-api';
import type { JobRow, JobsTable } from './jobs-table';
import type { Messages } from './messages';
import { ACTIONS } from './widget-settings';

/** What the browser sends in msg.payload of its widget-action. */
export interface ActionRequest {
  action: JobAction;
  jobId: string;
  /** The job's state and row version as the browser showed them when the user confirmed. */
  seenState: string;
  seenVersion: number;
  /** cancel: the job's name as the user typed it. */
  confirmName?: string;
}

export type ActionCheck =
  | { ok: true; request: ActionRequest; row: JobRow }
  | { ok: false; refusal: string; action?: JobAction; jobId?: string; row?: JobRow };

const JOB_ID = /^[0-9a-f]{32}$/;

function field(payload: Record<string, unknown>, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(payload, name) ? payload[name] : undefined;
}

/**
 * The checks of an action a browser asks for, on the server (a browser's own checks are a comfort, not a guard):
 * a well-formed request, an action the widget offers, a job the table shows in the state and version the user saw,
 * no action running on it, and for cancel the job's name typed exactly.
 */
export function checkAction(payload: unknown, allowed: readonly JobAction[], table: JobsTable, t: Messages): ActionCheck {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return { ok: false, refusal: t('refusals.malformed') };
  const fields = payload as Record<string, unknown>;
  const action = field(fields, 'action');
  const jobId = field(fields, 'jobId');
  const seenState = field(fields, 'seenState');
  const seenVersion = field(fields, 'seenVersion');
  const confirmName = field(fields, 'confirmName');
  if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action) || typeof jobId !== 'string' || !JOB_ID.test(jobId)
    || typeof seenState !== 'string' || typeof seenVersion !== 'number' || (confirmName !== undefined && typeof confirmName !== 'string')) {
    return { ok: false, refusal: t('refusals.malformed') };
  }
  const known = action as JobAction;
  const row = table.row(jobId);
  const refuse = (key: string, substitutions: Record<string, string> = {}): ActionCheck => ({
    ok: false, refusal: t(key, substitutions), action: known, jobId, ...(row ? { row } : {}),
  });
  if (!allowed.includes(known)) return refuse('refusals.notOffered', { action });
  if (!row) return refuse('refusals.unknownJob');
  if (table.isBusy(jobId)) return refuse('refusals.busy', { busy: row.busy ?? '' });
  if (row.state !== seenState) return refuse('refusals.stateChanged', { seen: seenState, state: row.state });
  if (row.version !== seenVersion) return refuse('refusals.rowChanged');
  if (known === 'cancel' && confirmName !== row.name) return refuse('refusals.nameMismatch');
  return { ok: true, row, request: { action: known, jobId, seenState, seenVersion, ...(confirmName !== undefined ? { confirmName } : {}) } };
}
