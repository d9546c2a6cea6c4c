import type { FlinkProxy, ProxiedRequest } from './flink-proxy';
import { eventually } from './node-harness';

/** What the real-Flink health tests share. */
type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every health node of these tests lists and measures every second. */
export const INTERVAL_S = 1;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A name filter for the jobs this process starts with one of these prefixes (suite.startJob names them `<prefix>-<pid>-<random>`). */
export const namesOf = (...prefixes: string[]): Record<string, string> => ({ nameFilter: `^(${prefixes.join('|')})-${process.pid}-`, nameMatch: 'regex' });

/** Each incident message as [kind, event]. */
export const events = (messages: Message[]): string[][] => messages.map((msg) => [msg.payload.kind, msg.payload.event]);

/** The cluster's job listings the proxy saw (the shared poller's), in order. */
export const listingsAt = (proxy: FlinkProxy): ProxiedRequest[] => proxy.requests.filter((request) => request.path.split('?')[0] === '/jobs/overview');

/** The health rounds of one job the proxy saw: each round reads the job's `numRestarts` once (nodes that count restarts). */
export const roundsAt = (proxy: FlinkProxy, jobId: string): ProxiedRequest[] =>
  proxy.requests.filter((request) => request.path.split('?')[0] === `/jobs/${jobId}/metrics` && /[?&]get=numRestarts/.test(request.path));

/**
 * Waits until `count` more of the requests `of` lists have reached the proxy after this call, and one more after
 * them; returns those `count`. Listings run one at a time, as do one job's health rounds, so the one after them
 * shows that the nodes have had the answers (or failures) of all `count`: the window they make is what a
 * "nothing more happens" check needs, however slow the machine.
 */
export async function nextRequests(of: () => ProxiedRequest[], count: number, what: string, timeoutMs = 90_000): Promise<ProxiedRequest[]> {
  const from = of().length;
  await eventually(() => of().length > from + count, `${count} more ${what} and the one after them`, timeoutMs);
  return of().slice(from, from + count);
}
