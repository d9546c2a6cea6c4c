import { z } from 'zod';
import { hexId, jobOverviewEntry, timestamp } from '../schemas';
import type { ApplicationStatus } from './application-types';

/*
 * The shapes of Flink 2.3's application answers. The spec types an application id as an object; Flink sends
 * 32 hex characters, as for a job id.
 */

const applicationStatus = z.string().min(1) as unknown as z.ZodType<ApplicationStatus>;

const applicationFields = {
  id: hexId,
  name: z.string(),
  status: applicationStatus,
  'start-time': timestamp,
  'end-time': timestamp,
  duration: z.number(),
};

export const applicationsOverview = z.looseObject({
  applications: z.array(z.looseObject({ ...applicationFields, jobs: z.record(z.string(), z.number()) })),
});

export const applicationDetails = z.looseObject({
  ...applicationFields,
  timestamps: z.record(z.string(), z.number()).optional(),
  jobs: z.array(jobOverviewEntry),
});

export const applicationExceptions = z.looseObject({
  exceptionHistory: z.looseObject({
    entries: z.array(z.looseObject({
      exceptionName: z.string().optional(),
      stacktrace: z.string().optional(),
      timestamp: z.number().optional(),
      jobId: hexId.nullish(),
    })),
  }),
});

/** The answer of `POST /jars/{jarid}/run-application`: `applicationid`, all lower case, as the spec writes it. */
export const jarRunApplication = z.looseObject({ applicationid: hexId });
