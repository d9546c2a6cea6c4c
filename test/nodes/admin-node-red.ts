import { hashSync } from 'bcryptjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../dev/flink/cluster';
import { startNodeRed, type RunningNodeRed } from '../../dev/node-red';
import { projectRoot } from '../../dev/paths';

/** The users of the admin-auth Node-RED: one who may do everything, one who may only read. */
export const ADMIN = { username: 'admin', password: 'admin-pw-5b1e' };
export const VIEWER = { username: 'viewer', password: 'viewer-pw-9c2d', scope: 'read' };

export interface AnswerOf { status: number; body: unknown; text: string }

/** A Node-RED process (this repository's 4.1) with adminAuth set and this package loaded from the build. */
export interface AdminNodeRed {
  editorUrl: string;
  /** A bearer token for a user, from POST /auth/token as the editor gets it. */
  login(user: { username: string; password: string; scope?: string }): Promise<string>;
  /** POSTs JSON to an admin path (relative to the admin root), with the token when given. */
  post(pathName: string, body: unknown, token?: string, headers?: Record<string, string>): Promise<AnswerOf>;
  /** Deploys the flows (full), with the admin's token; credentials inline on the nodes, as the editor sends them. */
  deploy(flows: unknown[]): Promise<void>;
  log(): string;
  stop(): Promise<void>;
}

export async function startAdminNodeRed(): Promise<AdminNodeRed> {
  const userDir = mkdtempSync(path.join(os.tmpdir(), 'node-red-admin-auth-'));
  const settingsFile = path.join(userDir, 'settings.js');
  const settings = {
    flowFile: 'flows.json',
    credentialSecret: 'admin-endpoint-tests',
    uiHost: '127.0.0.1',
    nodesDir: [projectRoot],
    telemetry: { enabled: false, updateNotification: false },
    editorTheme: { tours: false, palette: { catalogues: [] } },
    adminAuth: {
      type: 'credentials',
      users: [
        { username: ADMIN.username, password: hashSync(ADMIN.password, 8), permissions: '*' },
        { username: VIEWER.username, password: hashSync(VIEWER.password, 8), permissions: 'read' },
      ],
    },
  };
  writeFileSync(settingsFile, `module.exports = ${JSON.stringify(settings, null, 2)};\n`);
  let output = '';
  let running: RunningNodeRed;
  try {
    running = await startNodeRed({
      userDir, settingsFile, port: await freePort(), readyPath: 'auth/login', output: (text) => { output += text; },
    });
  } catch (err) {
    rmSync(userDir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}\n${output}`, { cause: err });
  }
  const post = async (pathName: string, body: unknown, token?: string, headers: Record<string, string> = {}): Promise<AnswerOf> => {
    const response = await fetch(`${running.editorUrl}${pathName}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch { parsed = undefined; }
    return { status: response.status, body: parsed, text };
  };
  const login = async (user: { username: string; password: string; scope?: string }): Promise<string> => {
    const answer = await post('auth/token', { client_id: 'node-red-admin', grant_type: 'password', scope: '*', ...user });
    const token = (answer.body as { access_token?: string } | undefined)?.access_token;
    if (answer.status !== 200 || !token) throw new Error(`login of ${user.username} failed: ${answer.status} ${answer.text}`);
    return token;
  };
  let adminToken: string | undefined;
  const flowStarts = (): number => output.split('Started flows').length - 1;
  return {
    editorUrl: running.editorUrl,
    login,
    post,
    async deploy(flows) {
      adminToken ??= await login(ADMIN);
      const startsBefore = flowStarts();
      const answer = await post('flows', flows, adminToken, { 'Node-RED-Deployment-Type': 'full' });
      if (answer.status !== 200 && answer.status !== 204) throw new Error(`deploy failed: ${answer.status} ${answer.text}`);
      // Node-RED answers a deploy before it has started the new flows (runtime flows.setFlows): wait for its log line.
      const deadline = Date.now() + 30_000;
      while (flowStarts() === startsBefore) {
        if (Date.now() > deadline) throw new Error(`the deployed flows did not start within 30 s:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    log: () => output,
    async stop() {
      await running.stop();
      rmSync(userDir, { recursive: true, force: true });
    },
  };
}
