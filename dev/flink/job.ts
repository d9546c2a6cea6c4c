import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FlinkDistribution } from './distribution';
import { fixturesDir, projectRoot } from '../paths';

const run = promisify(execFile);

export const ENDLESS_JOB_CLASS = 'EndlessJob';
export const SLOW_SNAPSHOT_JOB_CLASS = 'SlowSnapshotJob';

/**
 * Compiles every fixture job (`test/fixtures/*.java`) against this Flink's jars into one jar; a run picks its
 * job with `entryClass`. Rebuilt when a source is newer than the jar.
 */
export async function buildFixtureJar(dist: FlinkDistribution): Promise<string> {
  const outDir = path.join(projectRoot, '.cache', 'jobs', dist.version);
  const jar = path.join(outDir, 'fixture-jobs.jar');
  const sources = readdirSync(fixturesDir).filter((f) => f.endsWith('.java')).map((f) => path.join(fixturesDir, f));
  if (existsSync(jar) && sources.every((source) => statSync(jar).mtimeMs > statSync(source).mtimeMs)) return jar;
  const classes = path.join(outDir, `classes-${process.pid}`);
  rmSync(classes, { recursive: true, force: true });
  mkdirSync(classes, { recursive: true });
  await run('javac', ['--release', '17', '-nowarn', '-cp', path.join(dist.libDir, '*'), '-d', classes, ...sources]);
  const partial = `${jar}.${process.pid}`;
  await run('jar', ['--create', '--file', partial, '--main-class', ENDLESS_JOB_CLASS, '-C', classes, '.']);
  renameSync(partial, jar); // whole or not at all, also when two test runs build at once
  rmSync(classes, { recursive: true, force: true });
  return jar;
}

async function flinkJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** Every job Flink lists (`GET /jobs/overview`): its id, name and state. */
export async function jobOverviews(flinkUrl: string): Promise<Array<{ jid: string; name: string; state: string }>> {
  return (await flinkJson<{ jobs: Array<{ jid: string; name: string; state: string }> }>(`${flinkUrl}/jobs/overview`)).jobs;
}

/** Uploads a jar through `POST /jars/upload`; returns Flink's jar id. */
export async function uploadJar(flinkUrl: string, jarPath: string): Promise<string> {
  const form = new FormData();
  form.append('jarfile', new Blob([readFileSync(jarPath)], { type: 'application/java-archive' }), path.basename(jarPath));
  const { filename } = await flinkJson<{ filename: string }>(`${flinkUrl}/jars/upload`, { method: 'POST', body: form });
  return path.basename(filename);
}

export interface RunOptions {
  name: string;
  /** EndlessJob: make the job throw after this many ms (restarts off), so it ends FAILED. */
  failAfterMs?: number;
  /** Run SlowSnapshotJob instead, whose every snapshot (savepoints included) takes this many ms. */
  slowSnapshotMs?: number;
  savepointPath?: string;
  /** Return as soon as Flink accepted the job, without waiting for RUNNING. */
  noWait?: boolean;
  /** Run another fixture class (`test/fixtures/<class>.java`) with these program arguments after the job name. */
  fixture?: { entryClass: string; args?: string[] };
  parallelism?: number;
}

/** Which fixture class runs, with which program arguments. */
function fixtureProgram(options: RunOptions): { entryClass: string; programArgsList: string[] } {
  if (options.fixture) {
    if (options.failAfterMs !== undefined || options.slowSnapshotMs !== undefined) throw new Error('fixture takes its own arguments');
    return { entryClass: options.fixture.entryClass, programArgsList: [options.name, ...(options.fixture.args ?? [])] };
  }
  if (options.slowSnapshotMs !== undefined) {
    if (options.failAfterMs !== undefined) throw new Error('failAfterMs is an EndlessJob option; SlowSnapshotJob does not fail');
    return { entryClass: SLOW_SNAPSHOT_JOB_CLASS, programArgsList: [options.name, String(options.slowSnapshotMs)] };
  }
  return { entryClass: ENDLESS_JOB_CLASS, programArgsList: [options.name, String(options.failAfterMs ?? 0)] };
}

/** Runs a fixture job from the uploaded fixture jar (EndlessJob unless the options pick another). */
export async function runFixtureJob(flinkUrl: string, jarId: string, options: RunOptions): Promise<string> {
  const body = {
    ...fixtureProgram(options),
    parallelism: options.parallelism ?? 1,
    ...(options.savepointPath ? { savepointPath: options.savepointPath } : {}),
  };
  const { jobid } = await flinkJson<{ jobid: string }>(`${flinkUrl}/jars/${jarId}/run`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  if (!options.noWait) await waitForJobRunning(flinkUrl, jobid);
  return jobid;
}

interface JobDetails { state: string; vertices: { status: string }[] }

/** A savepoint or checkpoint needs the job and every vertex RUNNING, not just the job. */
export async function waitForJobRunning(flinkUrl: string, jobId: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let details: JobDetails | undefined;
  while (Date.now() < deadline) {
    details = await flinkJson<JobDetails>(`${flinkUrl}/jobs/${jobId}`);
    if (details.state === 'RUNNING' && details.vertices.every((v) => v.status === 'RUNNING')) return;
    if (['FAILED', 'CANCELED', 'FINISHED'].includes(details.state)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`job ${jobId} is not RUNNING: ${details?.state} (vertices ${details?.vertices.map((v) => v.status).join(', ')})`);
}

export async function waitForJobState(flinkUrl: string, jobId: string, states: string[], timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let state = 'unknown';
  while (Date.now() < deadline) {
    ({ state } = await flinkJson<{ state: string }>(`${flinkUrl}/jobs/${jobId}`));
    if (states.includes(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`job ${jobId} did not reach ${states.join('/')} within ${timeoutMs} ms (it is ${state})`);
}

/** Cancels a job unless it already ended, and waits until it has; tests leave the cluster as they found it. */
export async function cancelJob(flinkUrl: string, jobId: string): Promise<void> {
  const response = await fetch(`${flinkUrl}/jobs/${jobId}?mode=cancel`, { method: 'PATCH', signal: AbortSignal.timeout(10_000) });
  await response.arrayBuffer();
  if (response.status === 202 || response.status === 404 || response.status === 409) {
    if (response.status === 202) await waitForJobState(flinkUrl, jobId, ['CANCELED', 'FAILED', 'FINISHED']);
    return;
  }
  throw new Error(`cancel of ${jobId} answered ${response.status}`);
}
