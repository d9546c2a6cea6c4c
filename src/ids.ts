import { randomBytes } from 'node:crypto';
import { invalidArgument } from './errors';

/** Flink's 32-hex ids (jobs, triggers, applications, vertices, rescales), lower case. */
export const HEX_ID = /^[0-9a-f]{32}$/;

/** One of Flink's 32-hex ids, named `noun` ("job id", after `article`) in its errors: trimmed and lowered. */
function checkHexId(value: unknown, article: 'A' | 'An', noun: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalidArgument(`${article} ${noun} is required (32 hex characters), got ${describe(value)}`);
  }
  const normalized = value.trim().toLowerCase();
  if (!HEX_ID.test(normalized)) {
    throw invalidArgument(`"${truncate(value)}" is not a Flink ${noun}: expected 32 hex characters`);
  }
  return normalized;
}

/** Flink's JobID: 32 lowercase hex characters. Upper case is accepted and lowered. */
export function checkJobId(jobId: unknown): string {
  return checkHexId(jobId, 'A', 'job id');
}

/** Flink's ApplicationID (Flink 2.3+): 32 hex characters, as a job id. Upper case is accepted and lowered. */
export function checkApplicationId(applicationId: unknown): string {
  return checkHexId(applicationId, 'An', 'application id');
}

export function checkTriggerId(triggerId: unknown): string {
  if (typeof triggerId !== 'string' || !HEX_ID.test(triggerId.trim().toLowerCase())) {
    throw invalidArgument(`${describe(triggerId)} is not a Flink trigger id: expected 32 hex characters`);
  }
  return triggerId.trim().toLowerCase();
}

/** A job vertex id, as job details list them: 32 hex characters. */
export function checkVertexId(vertexId: unknown): string {
  if (typeof vertexId !== 'string' || !HEX_ID.test(vertexId.trim().toLowerCase())) {
    throw invalidArgument(`${describe(vertexId)} is not a Flink job vertex id: expected 32 hex characters`);
  }
  return vertexId.trim().toLowerCase();
}

/** A jar id as `uploadJar` returns it and `GET /jars` lists it: a file name ending in `.jar`, no path. */
export const JAR_ID_PATTERN = /^[\w.-]+\.jar$/;

export function checkJarId(jarId: unknown): string {
  if (typeof jarId !== 'string' || !JAR_ID_PATTERN.test(jarId)) {
    throw invalidArgument(`${describe(jarId)} is not a jar id from uploadJar or listJars`);
  }
  return jarId;
}

/** A fresh trigger id, sent with a trigger so that a retried request is recognised by Flink. */
export function newTriggerId(): string {
  return randomBytes(16).toString('hex');
}

/** A fresh job id, sent with a jar run so that a retried submission cannot start a second job. */
export function newJobId(): string {
  return randomBytes(16).toString('hex');
}

/** A fresh application id, sent with an application run so that a retried submission cannot start a second one. */
export function newApplicationId(): string {
  return randomBytes(16).toString('hex');
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return value === '' ? 'an empty string' : `"${truncate(value)}"`;
  return `a ${typeof value}`;
}
