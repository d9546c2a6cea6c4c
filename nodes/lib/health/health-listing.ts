import type { ApplicationOverview, JobStatusMessage } from '../../../src';
import { toNodeError, type FlinkNodeError } from '../errors';
import type { Redact } from '../secret-masker';
import type { JobListing } from '../jobs/job-list-poller';
import type { HealthEngine } from './health-engine';
import type { SampleSubscription } from './health-sampler';
import type { IncidentEvent } from './incidents';

/** A shared listing as its users act on it: the jobs (and applications), or why they could not be listed, masked. */
export type OpenListing =
  | { jobs: JobStatusMessage[]; applications?: ApplicationOverview[]; error?: undefined }
  | { error: FlinkNodeError; jobs?: undefined; applications?: undefined };

/**
 * The listing with its failure as a masked FlinkNodeError; undefined when the listing failed because the cluster
 * config closes (a redeploy): that is not an outage, so nobody reports it.
 */
export function openListing(listing: JobListing, redact: Redact): OpenListing | undefined {
  if (listing.jobs) return listing;
  const error = toNodeError(listing.error, redact);
  return error.code === 'FLINK_ABORTED' ? undefined : { error };
}

/**
 * What a listing does to a health engine and its health rounds: the engine's incident events, and the rounds it
 * now needs; none while the JobManager does not answer (the next listing resumes them).
 */
export function healthListing(engine: HealthEngine, sampling: Pick<SampleSubscription, 'want'>, listing: OpenListing, now: number): IncidentEvent[] {
  if (listing.error) {
    sampling.want(new Map());
    return engine.listingFailed({ code: listing.error.code, message: listing.error.message }, now);
  }
  const { jobs, applications } = listing;
  const events = [...engine.listing(jobs, now), ...(applications ? engine.applications(applications, jobs, now) : [])];
  sampling.want(engine.sampleNeeds());
  return events;
}
