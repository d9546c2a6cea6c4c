import { CLUSTER_CREDENTIAL_TYPES, type ClusterCredentials, type ClusterSettings } from './cluster-options';
import { invalidArgument } from './errors';
import type { NodeAPI } from 'node-red';
import type { FlinkClusterNode } from './cluster-node';

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
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const CREDENTIAL_NAMES = Object.keys(CLUSTER_CREDENTIAL_TYPES) as Array<keyof ClusterCredentials>;

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
  const { id, settings } = body;
  if (id !== undefined && (typeof id !== 'string' || id === '')) throw invalidArgument('The request body\'s id must be a config node id');
  if (body.credentials !== undefined && !isRecord(body.credentials)) throw invalidArgument('The request body\'s credentials must be an object');
  const given: Record<string, unknown> = body.credentials ?? {};
  const deployedNode = id ? RED.nodes.getNode(id) as FlinkClusterNode | null : null;
  const deployed = deployedNode && deployedNode.type === 'flink-cluster' ? deployedNode : undefined;
  const stored = (id && deployed ? RED.nodes.getCredentials(id) : undefined) as ClusterCredentials | undefined;

  const credentials: ClusterCredentials = {};
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
    if (CLUSTER_CREDENTIAL_TYPES[name].type === 'password' && settings.url !== deployed?.url) throw invalidArgument(`The URL changed: enter the ${name} again (a stored one is only sent to the deployed URL)`);
    credentials[name] = kept;
  }
  return { ...(id ? { id } : {}), settings: settings as ClusterSettings, credentials, ...(deployed ? { deployed } : {}) };
}
