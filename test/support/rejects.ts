import assert from 'node:assert/strict';
import { FlinkError } from '../../src';

/** Asserts that `promise` rejects with a FlinkError of `code` (and a message matching `message`), and returns it. */
export async function rejectsWithCode(promise: Promise<unknown>, code: string, message?: RegExp): Promise<FlinkError> {
  let caught: unknown;
  await assert.rejects(promise, (err: unknown) => { caught = err; return true; });
  assert.ok(caught instanceof FlinkError, `expected a FlinkError, got ${String(caught)}`);
  assert.equal(caught.code, code, `expected ${code}, got ${caught.code}: ${caught.message}`);
  if (message) assert.match(caught.message, message);
  return caught;
}
