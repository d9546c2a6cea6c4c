import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A JVM the harness started (Flink's JobManager or TaskManager, a ZooKeeper server), leading its own process group. */
export interface Jvm {
  name: string;
  child: ChildProcess;
  /** Where the JVM's logger writes; its stdout and stderr go to the same name with `.out`. */
  logFile: string;
}

export interface JvmSpec {
  name: string;
  mainClass: string;
  classpath: string[];
  jvmOptions: string[];
  args: string[];
  logDir: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The harness's JVMs run for minutes on a small machine, several at once: the client compiler only (C2's compile
 * threads were half of a Flink JVM's start-up CPU, measured: a JobManager and TaskManager took 20 CPU-seconds to
 * start a job and take a savepoint, 10 with these) and the serial collector for their small heaps.
 */
const LEAN_JVM_OPTIONS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

export function startJvm(spec: JvmSpec): Jvm {
  const logFile = path.join(spec.logDir, `${spec.name}.log`);
  const stdio = openSync(path.join(spec.logDir, `${spec.name}.out`), 'a');
  const child = spawn('java', [...LEAN_JVM_OPTIONS, ...spec.jvmOptions, '-cp', spec.classpath.join(path.delimiter), spec.mainClass, ...spec.args], {
    detached: true, // its own process group, so teardown reaches every thread and child of the JVM
    cwd: spec.logDir, // a relative path the JVM writes to (a relative savepoint directory) lands in its temp dir, not in the project
    stdio: ['ignore', stdio, stdio],
    env: { ...process.env, ...spec.env },
  });
  closeSync(stdio);
  return { name: spec.name, child, logFile };
}

export function isRunning(jvm: Jvm): boolean {
  return jvm.child.exitCode === null && jvm.child.signalCode === null;
}

function signalGroup(jvm: Jvm, signal: NodeJS.Signals): void {
  if (jvm.child.pid === undefined || !isRunning(jvm)) return;
  try { process.kill(-jvm.child.pid, signal); } catch { /* already gone */ }
}

/** SIGKILLs the JVM's process group at once (a crash, or a last resort), without waiting. */
export function killNow(jvm: Jvm): void {
  signalGroup(jvm, 'SIGKILL');
}

function exited(jvm: Jvm): Promise<void> {
  return new Promise((resolve) => {
    if (!isRunning(jvm)) return resolve();
    jvm.child.once('exit', () => resolve());
  });
}

/** SIGKILLs the JVM's process group and resolves once the JVM is gone. */
export async function killJvm(jvm: Jvm): Promise<void> {
  const gone = exited(jvm);
  killNow(jvm);
  await gone;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the JVM is gone. */
export async function stopJvm(jvm: Jvm, graceMs = 5000): Promise<void> {
  const gone = exited(jvm);
  const force = setTimeout(() => killNow(jvm), graceMs);
  signalGroup(jvm, 'SIGTERM');
  await gone;
  clearTimeout(force);
}

/** The last lines each JVM logged, for an error message that says why a start failed. */
export function lastLogLines(jvms: Jvm[], count = 15): string {
  return jvms.map((jvm) => {
    let text = '';
    for (const file of [jvm.logFile, jvm.logFile.replace(/\.log$/, '.out')]) {
      try { text += readFileSync(file, 'utf8'); } catch { /* not written yet */ }
    }
    return `--- ${jvm.name} ---\n${text.trimEnd().split('\n').slice(-count).join('\n')}`;
  }).join('\n');
}

const teardowns = new Set<() => void>();
let exitHookInstalled = false;

/**
 * Registers a synchronous last-resort teardown (kill the JVMs, remove temp dirs): whatever happens to this
 * process, nothing the harness started outlives it. A program with a handler of its own for a signal
 * (`npm start`'s main) stops things in order itself; then this hook leaves the signal to it, and the exit
 * hook still kills what is left. Returns the function that unregisters it after an orderly stop.
 */
export function onProcessExit(teardown: () => void): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => { for (const run of teardowns) run(); });
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (process.listenerCount(signal) > 1) return;
        for (const run of teardowns) run();
        process.exit(128 + os.constants.signals[signal]);
      });
    }
  }
  teardowns.add(teardown);
  return () => { teardowns.delete(teardown); };
}

/** How JVMs the harness owns end: `stop()` ends them (`end`, an orderly stop by default) and removes their work dir. */
export interface OwnedJvms {
  /** Once; a second call waits on the first. */
  stop(): Promise<void>;
  readonly stopped: boolean;
}

/**
 * Owns the JVMs `jvms()` names (read at each stop, so a restarted JVM is the one ended) and their work dir: killed
 * and removed at this process's exit too, unless stopped before.
 */
export function ownJvms(jvms: () => Jvm[], workDir: string, end: (jvm: Jvm) => Promise<void> = (jvm) => stopJvm(jvm)): OwnedJvms {
  const unregister = onProcessExit(() => {
    jvms().forEach(killNow);
    rmSync(workDir, { recursive: true, force: true, maxRetries: 5 });
  });
  let stopping: Promise<void> | undefined;
  return {
    get stopped() { return stopping !== undefined; },
    stop() {
      stopping ??= (async () => {
        await Promise.all(jvms().map(end));
        unregister();
        rmSync(workDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
