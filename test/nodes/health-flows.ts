import type { FlinkProxy, ProxiedRequest } from './flink-proxy';

/** What the real-Flink health tests share. */
type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every health node of these tests lists and measures every second. */
export const INTERVAL_S = 1;

/** A name filter for the jobs this process starts with one of these prefixes (suite.startJob names them `<prefix>-<pid>-<random>`). */
export const namesOf = (...prefixes: string[]): Record<string, string> => ({ nameFilter: `^(${prefixes.join('|')})-${process.pid}-`, nameMatch: 'regex' });

/** Each incident message as [kind, event]. */
export const events = (messages: Message[]): string[][] => messages.map((msg) => [msg.payload.kind, msg.payload.event]);

/** The health rounds of one job the proxy saw: each round reads the job's `numRestarts` once (nodes that count restarts). */
export const roundsAt = (proxy: FlinkProxy, jobId: string): ProxiedRequest[] =>
  proxy.requests.filter((request) => request.path.split('?')[0] === `/jobs/${jobId}/metrics` && /[?&]get=numRestarts/.test(request.path));
