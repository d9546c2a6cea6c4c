/**
 * One home for asking the runtime about a flink-cluster from the editor: the request body built from
 * the editor's state (an open cluster dialog, or a config node the editor holds) and the POST to the
 * admin endpoints `flink-cluster/jobs` and `flink-cluster/test`. The runtime fills in stored secrets
 * the browser never sees.
 */

import type { ClusterOverview as FlinkOverview } from '../../src/types';

/** A text of the flink-cluster catalog, where the editor's probe texts live. */
export function clusterText(key: string, substitutions?: Record<string, string | number>): string {
  return RED._(`@flink-ops/node-red-flink/flink-cluster:flink-cluster.${key}`, substitutions);
}

/** The settings of a flink-cluster as the editor holds them. */
export interface ClusterSettingsBody {
  url: string;
  /** Empty when the cluster names no SQL Gateway. */
  sqlGatewayUrl: string;
  authType: string;
  headers: Array<{ name: string; value: string; type: string }>;
  tls: string;
  caPath: string;
  certPath: string;
  keyPath: string;
  servername: string;
  verifyServer: boolean;
  timeout: string | number;
  retries: string | number;
}

/** Credentials typed in this editor session; an unchanged password field holds Node-RED's `__PWRD__`. */
export interface ClusterCredentialsBody {
  username?: string;
  password?: string;
  token?: string;
}

export interface ClusterProbeBody {
  id: string;
  settings: ClusterSettingsBody;
  credentials?: ClusterCredentialsBody;
}

export interface FlinkJobChoice {
  id: string;
  name: string;
  state: string;
  startTime: number;
}

/** What `flink-cluster/test` says of the cluster's SQL Gateway: its versions, or why it could not be asked. */
export type SqlGatewayProbe = { version: string; apiVersion: string } | { error: ProbeFailure };

/** What `flink-cluster/test` answers: the cluster's overview, with its version (and its SQL Gateway's, when it names one). */
export type ClusterOverview = FlinkOverview & { flinkVersion: string; sqlGateway?: SqlGatewayProbe };

/** A refused probe: the runtime's `{ code, message }`, or what the browser knows when there is none. */
export interface ProbeFailure {
  code: string;
  message: string;
}

interface ClusterConfigNode extends Partial<Omit<ClusterSettingsBody, 'headers'>> {
  id: string;
  type: string;
  headers?: ClusterSettingsBody['headers'];
  credentials?: Record<string, unknown>;
}

const SETTING_NAMES = ['url', 'sqlGatewayUrl', 'authType', 'tls', 'caPath', 'certPath', 'keyPath', 'servername', 'timeout', 'retries'] as const;
const CREDENTIAL_NAMES = ['username', 'password', 'token'] as const;

/** A config-node selector's value: "_ADD_" is its "none" / "add new" entry. */
export function selectedConfigId(select: JQuery): string {
  const value = String(select.val() ?? '');
  return value === '_ADD_' ? '' : value;
}

/** The header rows of the cluster dialog's list, as the node stores them. */
export function headerRows(list: JQuery): ClusterSettingsBody['headers'] {
  const headers: ClusterSettingsBody['headers'] = [];
  list.editableList('items').each(function () {
    const name = String($(this).find('.node-config-input-header-name').val() ?? '').trim();
    const value = $(this).find('.node-config-input-header-value');
    if (name) headers.push({ name, value: String(value.typedInput('value')), type: String(value.typedInput('type')) });
  });
  return headers;
}

/** The body for the cluster whose dialog is open: the form's current values, saved or not. */
export function probeBodyFromDialog(id: string): ClusterProbeBody {
  const field = (name: string): JQuery => $(`#node-config-input-${name}`);
  const text = (name: string): string => String(field(name).val() ?? '');
  const settings = Object.fromEntries(SETTING_NAMES.map((name) => [name, text(name)])) as unknown as ClusterSettingsBody;
  settings.tls = selectedConfigId(field('tls'));
  settings.verifyServer = field('verifyServer').is(':checked');
  settings.headers = headerRows(field('headers-container'));
  const credentials = Object.fromEntries(CREDENTIAL_NAMES.map((name) => [name, text(name)])) as ClusterCredentialsBody;
  return { id, settings, credentials };
}

/**
 * The body for a cluster the editor holds (a flow node's selected cluster): its settings, and the
 * credentials typed in this session, if any; the runtime uses the stored ones for the others.
 */
export function probeBodyFromConfig(id: string): ClusterProbeBody | undefined {
  const node = RED.nodes.node(id) as unknown as ClusterConfigNode | null;
  if (!node || node.type !== 'flink-cluster') return undefined;
  const settings = Object.fromEntries(SETTING_NAMES.map((name) => [name, node[name] ?? ''])) as unknown as ClusterSettingsBody;
  settings.verifyServer = node.verifyServer !== false;
  settings.headers = node.headers ?? [];
  const typed = CREDENTIAL_NAMES.filter((name) => typeof node.credentials?.[name] === 'string' && node.credentials[name] !== '');
  if (typed.length === 0) return { id, settings };
  return { id, settings, credentials: Object.fromEntries(typed.map((name) => [name, node.credentials![name]])) as ClusterCredentialsBody };
}

export function listJobs(body: ClusterProbeBody): Promise<FlinkJobChoice[]> {
  return post<{ jobs: FlinkJobChoice[] }>('flink-cluster/jobs', body).then((answer) => answer.jobs);
}

export function testConnection(body: ClusterProbeBody): Promise<ClusterOverview> {
  return post<ClusterOverview>('flink-cluster/test', body);
}

/** POSTs to an admin endpoint (the editor adds the admin token); rejects with a ProbeFailure. */
function post<T>(url: string, body: ClusterProbeBody): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    $.ajax({ url, method: 'POST', contentType: 'application/json', dataType: 'json', data: JSON.stringify(body) })
      .done((answer: T) => resolve(answer))
      .fail((xhr: JQuery.jqXHR) => reject(failureOf(xhr)));
  });
}

function failureOf(xhr: JQuery.jqXHR): ProbeFailure {
  const answer = xhr.responseJSON as Partial<ProbeFailure> | undefined;
  if (answer && typeof answer.code === 'string' && typeof answer.message === 'string') return { code: answer.code, message: answer.message };
  if (xhr.status === 0) return { code: 'NODE_RED_UNREACHABLE', message: clusterText('probe.noAnswer') };
  return { code: `HTTP_${xhr.status}`, message: clusterText('probe.refused', { status: xhr.status }) };
}
