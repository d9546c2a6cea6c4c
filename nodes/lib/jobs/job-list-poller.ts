import type { FlinkClusterClient, JobStatusMessage } from '../../../src';
import { Poller } from './poller';

/** One listing of the cluster's jobs, as every subscriber receives it: the jobs, or why they could not be listed. */
export type JobListing = { jobs: JobStatusMessage[]; error?: undefined } | { error: unknown; jobs?: undefined };

/** Receives each listing; it reports its own failures (a throw is ignored, so that the other subscribers still get theirs). */
export type JobListListener = (listing: JobListing) => void;

interface Subscriber { everyMs: number; listener: JobListListener }

/**
 * The one poller of a cluster's job list, shared by the nodes that watch it: one listing at a time, as often as
 * the most eager subscriber asks, each delivered to every subscriber. It runs only while someone subscribes:
 * the last one leaving, or the cluster config closing, aborts the listing in flight and cancels the next.
 */
export class JobListPoller {
  private readonly subscribers = new Map<symbol, Subscriber>();
  private poller?: Poller;
  private closed = false;

  constructor(private readonly client: () => FlinkClusterClient) {}

  /**
   * Subscribes to a listing at least every `everyMs`; the first comes at once (or with the listing in flight).
   * Resolves the returned function's promise once this subscriber is gone and, if it was the last, the poller stopped.
   */
  subscribe(everyMs: number, listener: JobListListener): () => Promise<void> {
    const key = Symbol('job-list subscriber');
    if (this.closed) {
      // The config closed as this node starts (a redeploy): its client tells why, as it does for any request.
      queueMicrotask(() => void this.list(new AbortController().signal, [listener]));
      return () => Promise.resolve();
    }
    this.subscribers.set(key, { everyMs, listener });
    if (this.poller) this.poller.runSoon();
    else {
      this.poller = new Poller((signal) => this.list(signal), () => this.shortestInterval());
      this.poller.start();
    }
    return () => this.unsubscribe(key);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Whether a poller runs right now. */
  get isPolling(): boolean {
    return this.poller !== undefined;
  }

  /** The cluster config closes: stop for good. */
  async close(): Promise<void> {
    this.closed = true;
    this.subscribers.clear();
    await this.stop();
  }

  private async unsubscribe(key: symbol): Promise<void> {
    if (!this.subscribers.delete(key) || this.subscribers.size > 0) return;
    await this.stop();
  }

  private async stop(): Promise<void> {
    const poller = this.poller;
    this.poller = undefined;
    await poller?.close();
  }

  private shortestInterval(): number {
    return Math.min(...[...this.subscribers.values()].map((subscriber) => subscriber.everyMs));
  }

  private async list(signal: AbortSignal, listeners?: JobListListener[]): Promise<void> {
    let listing: JobListing;
    try {
      listing = { jobs: await this.client().listJobs({ signal }) };
    } catch (error) {
      listing = { error };
    }
    if (signal.aborted) return; // stopped: nobody is waiting for this listing any more
    for (const listener of listeners ?? [...this.subscribers.values()].map((subscriber) => subscriber.listener)) deliver(listener, listing);
  }
}

function deliver(listener: JobListListener, listing: JobListing): void {
  try {
    listener(listing);
  } catch {
    // A listener reports its own failures; one that throws must not keep the listing from the others.
  }
}
