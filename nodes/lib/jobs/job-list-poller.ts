import { isFlinkError, type ApplicationOverview, type FlinkClusterClient, type JobStatusMessage } from '../../../src';
import { Poller } from './poller';

/**
 * One listing of the cluster's jobs, as every subscriber receives it: the jobs, or why they could not be listed.
 * With them, the cluster's applications while a subscriber asks for them and the cluster has them (Flink 2.3+).
 */
export type JobListing = { jobs: JobStatusMessage[]; applications?: ApplicationOverview[]; error?: undefined }
  | { error: unknown; jobs?: undefined; applications?: undefined };

/** Receives each listing; it reports its own failures (a throw is ignored, so that the other subscribers still get theirs). */
export type JobListListener = (listing: JobListing) => void;

interface Subscriber { everyMs: number; listener: JobListListener; applications: boolean }

export interface SubscribeOptions {
  /** Also list the cluster's applications (Flink 2.3+; on an older Flink they are never asked for). */
  applications?: boolean;
}

/**
 * The one poller of a cluster's job list, shared by the nodes that watch it: one listing at a time, as often as
 * the most eager subscriber asks, each delivered to every subscriber. It runs only while someone subscribes:
 * the last one leaving, or the cluster config closing, aborts the listing in flight and cancels the next.
 */
export class JobListPoller {
  private readonly subscribers = new Map<symbol, Subscriber>();
  private poller?: Poller;
  private closed = false;
  /** Set once the cluster turned out to have no applications (before Flink 2.3): they are not asked for again. */
  private applicationsUnsupported = false;

  constructor(private readonly client: () => FlinkClusterClient) {}

  /**
   * Subscribes to a listing at least every `everyMs`; the first comes at once (or with the listing in flight).
   * Resolves the returned function's promise once this subscriber is gone and, if it was the last, the poller stopped.
   */
  subscribe(everyMs: number, listener: JobListListener, options: SubscribeOptions = {}): () => Promise<void> {
    const key = Symbol('job-list subscriber');
    if (this.closed) {
      // The config closed as this node starts (a redeploy): its client tells why, as it does for any request.
      queueMicrotask(() => void this.list(new AbortController().signal, [listener]));
      return () => Promise.resolve();
    }
    this.subscribers.set(key, { everyMs, listener, applications: options.applications === true });
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

  private wantsApplications(): boolean {
    return !this.applicationsUnsupported && [...this.subscribers.values()].some((subscriber) => subscriber.applications);
  }

  /** The applications; undefined on a cluster without them, which the client refuses without asking Flink. */
  private async listApplications(signal: AbortSignal): Promise<ApplicationOverview[] | undefined> {
    try {
      return await this.client().listApplications({ signal });
    } catch (err) {
      if (!isFlinkError(err, 'FLINK_UNSUPPORTED')) throw err;
      this.applicationsUnsupported = true;
      return undefined;
    }
  }

  private async list(signal: AbortSignal, listeners?: JobListListener[]): Promise<void> {
    let listing: JobListing;
    try {
      const jobs = await this.client().listJobs({ signal });
      const applications = this.wantsApplications() ? await this.listApplications(signal) : undefined;
      listing = { jobs, ...(applications ? { applications } : {}) };
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
