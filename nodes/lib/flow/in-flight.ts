import { randomBytes } from 'node:crypto';
import type { Node, NodeAPI, NodeMessage } from 'node-red';
import type { ClusterState } from '../cluster/cluster-state';
import { settingString } from '../values';

/*
 * Operations that outlive their Node-RED process. Just before a savepoint or stop trigger is sent (its trigger id
 * is known then), the node records it in the cluster state's `inFlight` section; once the message has its
 * outcome, the record goes. When the node closes while it stays deployed (a redeploy, a Node-RED stop), the
 * operation is handed over: the message gets no outcome from this instance and the record stays; when the node
 * starts again (now, or on the next Node-RED start), it follows each of its records to the end and sends the
 * outcome with msg.resumed = true. A crash (SIGKILL) leaves the record too: with a file-backed store whose
 * writes reach the disk at once, the next start resumes it. A node that is removed ends its operations with
 * FLINK_ABORTED and forgets them.
 */

/** The cluster state section of the records (`savepoints` is the catalog's). */
export const IN_FLIGHT_SECTION = 'inFlight';

/** What a node records about one operation in flight. */
export interface InFlightRecord {
  /** This record's own id (a node may follow two operations with one trigger id: a retried message). */
  id: string;
  nodeId: string;
  /** e.g. savepoint, cancel-with-savepoint, stop: the node that resumes it knows what it means. */
  kind: string;
  jobId: string;
  jobName?: string;
  triggerId: string;
  /** When the trigger was recorded (ISO 8601). */
  startedAt: string;
  /** The message's own properties that survive JSON (storableMessage). */
  msg: Record<string, unknown>;
}

type Records = Record<string, InFlightRecord>;

/** Larger Buffers are left out of a stored message: a context store is no place for payloads. */
export const MAX_STORED_BUFFER_BYTES = 64 * 1024;
/** Properties Node-RED's HTTP nodes put on a message: live objects of one request, meaningless after a restart. */
const LIVE_PROPERTIES = new Set(['req', 'res']);

interface BufferJson { type: 'Buffer'; data: number[] }

function isBufferJson(value: unknown): value is BufferJson {
  return typeof value === 'object' && value !== null && (value as BufferJson).type === 'Buffer' && Array.isArray((value as BufferJson).data);
}

/**
 * The message's properties as JSON can keep them: without req and res, functions, properties JSON cannot hold
 * (cycles, BigInt) and Buffers over MAX_STORED_BUFFER_BYTES (smaller ones come back as Buffers).
 */
export function storableMessage(msg: NodeMessage): Record<string, unknown> {
  const stored: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(msg)) {
    if (LIVE_PROPERTIES.has(key) || typeof value === 'function') continue;
    try {
      const json = JSON.stringify(value, (_name, inner: unknown) => (isBufferJson(inner) && inner.data.length > MAX_STORED_BUFFER_BYTES ? undefined : inner));
      if (json !== undefined) stored[key] = JSON.parse(json) as unknown;
    } catch {
      // A cycle or a BigInt: this property cannot be stored, the others can.
    }
  }
  return stored;
}

/** A stored message as a message again (its Buffers as Buffers), marked `resumed`. */
export function resumedMessage(record: InFlightRecord): NodeMessage {
  const msg = JSON.parse(JSON.stringify(record.msg), (_name, value: unknown) => (isBufferJson(value) ? Buffer.from(value.data) : value)) as NodeMessage;
  msg.resumed = true;
  return msg;
}

/** The in-flight records of one node in its cluster's state. */
export class InFlightLog {
  constructor(private readonly state: ClusterState, readonly nodeId: string) {}

  async records(): Promise<InFlightRecord[]> {
    const records = await this.state.read<Records | null>(IN_FLIGHT_SECTION);
    return Object.values(records ?? {}).filter((record) => record.nodeId === this.nodeId);
  }

  async put(record: InFlightRecord): Promise<void> {
    await this.state.update<Records | null>(IN_FLIGHT_SECTION, (records) => ({ ...records, [record.id]: record }));
  }

  async remove(id: string): Promise<void> {
    await this.state.update<Records | null>(IN_FLIGHT_SECTION, (records) => {
      const { [id]: _removed, ...rest } = records ?? {};
      return Object.keys(rest).length > 0 ? rest : undefined;
    });
  }
}

/**
 * The abort reason when a node closes. `handOver`: the node stays deployed (a redeploy, Node-RED stopping), so an
 * operation recorded in flight is left to the node's next start instead of ending with FLINK_ABORTED.
 */
export interface ClosingReason { handOver?: boolean }

/** Thrown by an operation that left its outcome to the node's next start: this instance sends nothing for it. */
export class HandedOver extends Error {
  constructor(readonly triggerId: string) {
    super(`handed over to the node's next start: trigger ${triggerId}`);
    this.name = 'HandedOver';
  }
}

function isHandOver(signal: AbortSignal): boolean {
  return signal.aborted && (signal.reason as ClosingReason | undefined)?.handOver === true;
}

/** What an operation recorded in flight is about. */
export interface InFlightSubject {
  kind: string;
  jobId: string;
  msg: NodeMessage;
  /** The node's job name setting, recorded when the message names no job (msg.jobName). */
  jobNameSetting?: string;
}

/** What a node offers its operations (flow-node's NodeTools). */
export interface InFlightTools {
  node: Node;
  inFlight(): InFlightLog | undefined;
}

/** The job's name as the message or the node gave it, if any (the id may have been given instead). */
function jobNameOf(subject: InFlightSubject): string | undefined {
  const name = subject.msg.jobName;
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : settingString(subject.jobNameSetting);
}

/**
 * Runs `work` (which sends one trigger) with its trigger recorded in flight: pass `beforeTrigger` to the client,
 * which calls it with the trigger id before sending. On the outcome the record is removed (a failure to remove it
 * is only warned about: the outcome stands); when the node closes to be started again, HandedOver is thrown and the
 * record stays. Without a log (no cluster, a memory-only store), `work` runs unrecorded.
 */
export async function runInFlight<T>(tools: InFlightTools, subject: InFlightSubject, signal: AbortSignal,
  work: (beforeTrigger: (triggerId: string) => Promise<void>) => Promise<T>): Promise<T> {
  const log = tools.inFlight();
  const warn = (text: string): void => tools.node.warn(text);
  const jobName = jobNameOf(subject);
  let record: InFlightRecord | undefined;
  const beforeTrigger = async (triggerId: string): Promise<void> => {
    if (!log) return;
    record = {
      ...(record ?? {
        id: randomBytes(8).toString('hex'), nodeId: log.nodeId, kind: subject.kind, jobId: subject.jobId,
        ...(jobName ? { jobName } : {}),
        startedAt: new Date().toISOString(), msg: storableMessage(subject.msg),
      }),
      triggerId,
    };
    await log.put(record);
  };
  return settleInFlight(log, () => record, signal, warn, () => work(beforeTrigger));
}

/** Follows a record found on start to its outcome, then removes it (or leaves it to the next start, as runInFlight). */
export function resumeInFlight<T>(log: InFlightLog, record: InFlightRecord, signal: AbortSignal, warn: (text: string) => void,
  follow: () => Promise<T>): Promise<T> {
  return settleInFlight(log, () => record, signal, warn, follow);
}

async function settleInFlight<T>(log: InFlightLog | undefined, record: () => InFlightRecord | undefined, signal: AbortSignal,
  warn: (text: string) => void, work: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (err) {
    const recorded = record();
    if (recorded && isHandOver(signal)) throw new HandedOver(recorded.triggerId);
    await forget(log, recorded, warn);
    throw err;
  }
  await forget(log, record(), warn);
  return result;
}

async function forget(log: InFlightLog | undefined, record: InFlightRecord | undefined, warn: (text: string) => void): Promise<void> {
  if (!log || !record) return;
  try {
    await log.remove(record.id);
  } catch (err) {
    warn(`Could not remove the in-flight record of trigger ${record.triggerId} from the context store (${(err as Error)?.message ?? String(err)}): the next start may report its outcome again`);
  }
}

/** Nodes waiting for the flows to start before they resume: a resumed outcome must find the nodes it is wired to. */
const waiting = new WeakMap<object, Set<() => void>>();

/**
 * Calls `resume` once the flows that include the node have started (Node-RED's `flows:started`); the returned
 * function cancels that (the node closed first).
 */
export function whenFlowsStarted(RED: NodeAPI, resume: () => void): () => void {
  let pending = waiting.get(RED.events);
  if (!pending) {
    const set = new Set<() => void>();
    pending = set;
    waiting.set(RED.events, set);
    RED.events.on('flows:started', () => {
      const ready = [...set];
      set.clear();
      for (const run of ready) run();
    });
  }
  pending.add(resume);
  return () => { pending.delete(resume); };
}
