/*
 * A proxy in front of the real Flink that shows one real job as many: the job listing answers `copies` jobs
 * (the real one under made-up ids and names), and a request about a made-up id is sent on about the real job,
 * its answer naming the made-up id again. Every request is counted, so a bench can measure what many jobs cost
 * the JobManager with a cluster that has four slots. Answers stay Flink's own.
 */
import { createHash } from 'node:crypto';
import { answerWith, forward, json, startStubServer, type ForwardedAnswer } from '../test/support/stub-server';

export interface MultipliedJobs {
  url: string;
  /** The made-up jobs' names, in their order in the listing. */
  names: string[];
  /** Every request seen (method and path), in order. */
  requests: Array<{ method: string; path: string }>;
  close(): Promise<void>;
}

interface Listing { jobs: Array<Record<string, unknown> & { jid: string; name: string }> }

const madeUpId = (i: number): string => createHash('md5').update(`bench-job-${i}`).digest('hex');

/** bench-job-01 .. bench-job-50, bench-job-001 .. bench-job-200: as wide as the last, so names sort as numbers do. */
const madeUpName = (i: number, copies: number): string => `bench-job-${String(i + 1).padStart(Math.max(2, String(copies).length), '0')}`;

function withBody(answer: ForwardedAnswer, body: string): ForwardedAnswer {
  return { ...answer, headers: { ...answer.headers, 'content-length': String(Buffer.byteLength(body)) }, body: Buffer.from(body) };
}

export async function startMultipliedJobs(flinkUrl: string, realJobId: string, copies: number): Promise<MultipliedJobs> {
  const ids = Array.from({ length: copies }, (_, i) => madeUpId(i));
  const names = ids.map((_, i) => madeUpName(i, copies));
  const requests: MultipliedJobs['requests'] = [];
  const stub = await startStubServer();
  stub.handle((request, res) => {
    requests.push({ method: request.method, path: request.url });
    const madeUp = ids.find((id) => request.url.includes(id));
    const sent = madeUp ? { ...request, url: request.url.replaceAll(madeUp, realJobId) } : request;
    forward(flinkUrl, sent).then((answer) => {
      if (request.url.split('?')[0] === '/jobs/overview' && answer.status === 200) {
        const listing = JSON.parse(answer.body.toString('utf8')) as Listing;
        const real = listing.jobs.find((job) => job.jid === realJobId);
        if (!real) return json(res, 500, { errors: [`job ${realJobId} is not listed`] });
        const jobs = ids.map((jid, i) => ({ ...real, jid, name: names[i]! }));
        return answerWith(res, withBody(answer, JSON.stringify({ ...listing, jobs })));
      }
      answerWith(res, madeUp ? withBody(answer, answer.body.toString('utf8').replaceAll(realJobId, madeUp)) : answer);
    }, () => res.destroy());
  });
  return { url: stub.url, names, requests, close: () => stub.close() };
}
