import type { Request, Response } from 'express';
import type { NodeAPI } from 'node-red';
import { FlinkClusterClient, SqlGatewayClient, type JobStatusMessage } from '../../../src';
import { clientOptions, sqlGatewayOptions } from './cluster-options';
import { secretsOf } from './cluster-secrets';
import { editedCluster, type EditedCluster } from './edited-cluster';
import { invalidArgument, toNodeError } from '../errors';
import { secretMasker, type Redact } from '../secret-masker';

/** An editor's question gets its answer fast, or its error: one attempt, at most this long per request. */
const PROBE_TIMEOUT_MS = 10_000;

/**
 * Both endpoints send a cluster config's stored credentials to a URL and reach any URL the caller names, from the
 * Node-RED host: only users who may change flows (deploy) may call them, as with core nodes' admin actions.
 */
const PERMISSION = 'flink-cluster.write';

/** What a probe asks with: the cluster's client, the edited cluster it stands for, and its secrets' mask. */
interface ProbeContext {
  client: FlinkClusterClient;
  cluster: EditedCluster;
  redact: Redact;
  signal: AbortSignal;
}

type Probe = (context: ProbeContext) => Promise<object>;

/** One attempt per request, at most PROBE_TIMEOUT_MS each. */
function probeLimits(timeoutMs: number | undefined): { timeoutMs: number; retry: { maxRetries: number } } {
  return { timeoutMs: Math.min(timeoutMs ?? PROBE_TIMEOUT_MS, PROBE_TIMEOUT_MS), retry: { maxRetries: 0 } };
}

/** RUNNING jobs first (those a user acts on), then by name. */
function jobList(jobs: JobStatusMessage[]): object {
  const sorted = [...jobs].sort((a, b) => Number(b.state === 'RUNNING') - Number(a.state === 'RUNNING')
    || a.jobName.localeCompare(b.jobName));
  return { jobs: sorted.map((job) => ({ id: job.jobId, name: job.jobName, state: job.state, startTime: job.startTime })) };
}

/**
 * The SQL Gateway the edited cluster names, asked for its version with a client of its own: `{ version, apiVersion }`,
 * or `{ error: { code, message } }` (masked) when it cannot be reached or its URL cannot work; undefined when the
 * cluster names no gateway. A stored secret goes only to the gateway URL the config was deployed with.
 */
async function sqlGatewayProbe({ cluster, redact, signal }: ProbeContext): Promise<object | undefined> {
  let gateway: SqlGatewayClient | undefined;
  try {
    const options = sqlGatewayOptions(cluster.settings, cluster.credentials, cluster.environment);
    if (!options) return undefined;
    if (cluster.storedSecrets.length > 0 && options.url !== cluster.deployed?.sqlGatewayUrl?.trim()) {
      throw invalidArgument(`The SQL Gateway URL changed: enter the ${cluster.storedSecrets.join(' and ')} again (a stored one is only sent to the deployed URL)`);
    }
    gateway = new SqlGatewayClient({ ...options, ...probeLimits(options.timeoutMs) });
    const { version, apiVersion } = await gateway.getInfo({ signal });
    return { version, apiVersion };
  } catch (err) {
    const error = toNodeError(err, redact);
    return { error: { code: error.code, message: redact(error.message) } };
  } finally {
    await gateway?.close().catch(() => undefined);
  }
}

const PROBES: Record<string, Probe> = {
  jobs: async ({ client, signal }) => jobList(await client.listJobs({ signal })),
  test: async (context) => {
    const { client, signal } = context;
    // The gateway's answer, or its error, goes with the cluster's: it never fails the cluster's part.
    const gateway = sqlGatewayProbe(context);
    const [flinkVersion, overview] = await Promise.all([client.getFlinkVersion({ signal }), client.getClusterOverview({ signal })]);
    const { taskManagers, slotsTotal, slotsAvailable, jobsRunning, jobsFinished, jobsCancelled, jobsFailed } = overview;
    const sqlGateway = await gateway;
    return {
      flinkVersion, taskManagers, slotsTotal, slotsAvailable, jobsRunning, jobsFinished, jobsCancelled, jobsFailed,
      ...(sqlGateway ? { sqlGateway } : {}),
    };
  },
};

function httpStatus(code: string): number {
  if (code === 'FLINK_INVALID_ARGUMENT') return 400;
  if (code === 'FLINK_INTERNAL') return 500;
  return 502; // Flink, or the way to it, failed
}

/** Runs one probe for the cluster config in the request body, with a client of its own, closed afterwards. */
async function answer(RED: NodeAPI, probe: Probe, req: Request, res: Response): Promise<void> {
  let redact: Redact = (text) => text;
  let client: FlinkClusterClient | undefined;
  const controller = new AbortController();
  res.on('close', () => controller.abort()); // the editor gave up: so do the requests
  try {
    const cluster = editedCluster(RED, req.body);
    const { environment } = cluster;
    redact = secretMasker(secretsOf(cluster.credentials, cluster.settings, environment));
    const options = clientOptions(cluster.settings, cluster.credentials, environment);
    client = new FlinkClusterClient({ ...options, ...probeLimits(options.timeoutMs) });
    res.status(200).json(await probe({ client, cluster, redact, signal: controller.signal }));
  } catch (err) {
    // Code and masked message only: no stack, no cause, no request details.
    const error = toNodeError(err, redact);
    if (!res.headersSent) res.status(httpStatus(error.code)).json({ code: error.code, message: redact(error.message) });
  } finally {
    await client?.close().catch(() => undefined);
  }
}

/**
 * The editor's questions about a cluster config as it is in the dialog (maybe not deployed):
 * POST flink-cluster/jobs → { jobs: [{ id, name, state, startTime }] }; POST flink-cluster/test → the cluster's
 * version, TaskManagers, slots and job counts, and with a SQL Gateway URL `sqlGateway`: its `{ version, apiVersion }`
 * or `{ error: { code, message } }`. Failures (of the cluster's part): 400 or 502 with { code, message }.
 */
export function registerAdminEndpoints(RED: NodeAPI): void {
  for (const [name, probe] of Object.entries(PROBES)) {
    RED.httpAdmin.post(`/flink-cluster/${name}`, RED.auth.needsPermission(PERMISSION), (req, res) => {
      void answer(RED, probe, req, res);
    });
  }
}
