import type { NodeAPI } from 'node-red';
import { clusterEnvironment, type ClusterEnvironment } from './cluster-environment';
import type { FlinkClusterNode } from './cluster-node';
import { CLUSTER_CREDENTIAL_TYPES, type ClusterCredentials } from './cluster-credentials';
import type { ClusterSettings } from './cluster-options';
import { invalidArgument } from '../errors';

/** What the editor holds in place of a password it was never sent (Node-RED's placeholder for "unchanged"). */
export const UNCHANGED_PASSWORD = '__PWRD__';

/** A cluster config as it is in the editor (maybe edited, maybe never deployed), with the secrets it stands for. */
export interface EditedCluster {
  /** The id of the config node, when the editor has one (new configs have one too, not yet deployed). */
  id?: string;
  settings: ClusterSettings;
  credentials: ClusterCredentials;
  /** The deployed config node with that id, if any. */
  deployed?: FlinkClusterNode;
  /** Its environment (the deployed node's, else the process's). */
  environment: ClusterEnvironment;
  /**
   * The secrets (password-type credentials) taken from what is stored for the deployed config rather than typed:
   * they may go only to the URLs it was deployed with.
   */
  storedSecrets: Array<keyof ClusterCredentials>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const CREDENTIAL_NAMES = Object.keys(CLUSTER_CREDENTIAL_TYPES) as Array<keyof ClusterCredentials>;

/** The type each setting must have in a request body (what the editor saves). */
const SETTING_TYPES: Record<keyof ClusterSettings, Array<'string' | 'number' | 'boolean' | 'array'>> = {
  url: ['string'], sqlGatewayUrl: ['string'], authType: ['string'], headers: ['array'], tls: ['string'], caPath: ['string'], certPath: ['string'],
  keyPath: ['string'], verifyServer: ['boolean'], servername: ['string'], timeout: ['number', 'string'], retries: ['number', 'string'],
};

function checkSettings(settings: Record<string, unknown>): ClusterSettings {
  for (const [name, types] of Object.entries(SETTING_TYPES)) {
    const value = settings[name];
    if (value === undefined || value === null) continue;
    const type = Array.isArray(value) ? 'array' : typeof value;
    if (!(types as string[]).includes(type)) throw invalidArgument(`settings.${name} must be ${types.join(' or ')}, not ${type}`);
  }
  const headers = settings.headers as unknown[] | undefined;
  if (headers?.some((h) => !isRecord(h) || typeof h.name !== 'string' || typeof h.value !== 'string')) {
    throw invalidArgument('settings.headers must be a list of { name, value, type }');
  }
  return settings as ClusterSettings;
}

/**
 * A string setting that is a whole `${NAME}` stands for that environment variable, as Node-RED substitutes it in
 * a flow's node properties when it starts them (so the edited URL compares with the deployed one).
 */
function withEnvValues(value: unknown, env: (name: string) => string | undefined): unknown {
  if (typeof value === 'string') {
    const name = /^\$\{(\S+)\}$/.exec(value)?.[1];
    return name === undefined ? value : env(name) ?? value;
  }
  if (Array.isArray(value)) return value.map((item) => withEnvValues(item, env));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withEnvValues(item, env)]));
  return value;
}

/**
 * The cluster an admin request body `{ id?, settings, credentials? }` stands for. A credential the body leaves out,
 * or sends as the "unchanged" placeholder, is the one stored for the deployed config `id`. A stored secret (a
 * password-type credential) is taken only if the body's URL is the deployed one, so that it never goes to a URL
 * its owner did not deploy it for; a text credential (user name, certificates) is one the editor is shown anyway.
 */
export function editedCluster(RED: NodeAPI, body: unknown): EditedCluster {
  if (!isRecord(body) || !isRecord(body.settings)) {
    throw invalidArgument('The request body must be a JSON object { id?, settings: { url, ... }, credentials? }');
  }
  const { id } = body;
  if (id !== undefined && (typeof id !== 'string' || id === '')) throw invalidArgument('The request body\'s id must be a config node id');
  if (body.credentials !== undefined && !isRecord(body.credentials)) throw invalidArgument('The request body\'s credentials must be an object');
  const given: Record<string, unknown> = body.credentials ?? {};
  const deployedNode = id ? RED.nodes.getNode(id) as FlinkClusterNode | null : null;
  const deployed = deployedNode && deployedNode.type === 'flink-cluster' ? deployedNode : undefined;
  const environment = clusterEnvironment(RED, deployed);
  const settings = checkSettings(withEnvValues(body.settings, environment.env) as Record<string, unknown>);
  const stored = (id && deployed ? RED.nodes.getCredentials(id) : undefined) as ClusterCredentials | undefined;

  const credentials: ClusterCredentials = {};
  const storedSecrets: Array<keyof ClusterCredentials> = [];
  for (const name of CREDENTIAL_NAMES) {
    const value = given[name];
    if (value !== undefined && value !== UNCHANGED_PASSWORD) {
      if (typeof value !== 'string') throw invalidArgument(`The credential ${name} must be a string`);
      credentials[name] = value;
      continue;
    }
    const kept = stored?.[name];
    if (kept === undefined || kept === '') {
      if (value === UNCHANGED_PASSWORD) throw invalidArgument(`No ${name} is stored for this cluster: enter it again`);
      continue;
    }
    if (CLUSTER_CREDENTIAL_TYPES[name].type === 'password') {
      if (settings.url !== deployed?.url) throw invalidArgument(`The URL changed: enter the ${name} again (a stored one is only sent to the deployed URL)`);
      storedSecrets.push(name);
    }
    credentials[name] = kept;
  }
  return { ...(id ? { id } : {}), settings, credentials, environment, storedSecrets, ...(deployed ? { deployed } : {}) };
}
