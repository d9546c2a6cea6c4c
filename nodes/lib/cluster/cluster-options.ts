import { readFileSync } from 'node:fs';
import type { FlinkAuth, FlinkClusterClientOptions, FlinkTlsOptions } from '../../../src';
import type { ClusterCredentials } from './cluster-credentials';
import type { ClusterEnvironment } from './cluster-environment';
import { invalidArgument } from '../errors';
import { MAX_TIMER_MS } from '../values';

/** One extra header of the cluster config; an `env` value names an environment variable. */
export interface HeaderSetting {
  name: string;
  value: string;
  type?: 'str' | 'env';
}

/** The flink-cluster node's properties, as the editor saves them. */
export interface ClusterSettings {
  url?: string;
  /** The cluster's SQL Gateway REST endpoint, if it has one: the same authentication, headers and TLS apply to it. */
  sqlGatewayUrl?: string;
  authType?: 'none' | 'basic' | 'bearer' | '';
  headers?: HeaderSetting[];
  /** The id of a tls-config node. When set, TLS comes from it alone and the inline fields below are ignored. */
  tls?: string;
  /** Inline TLS (what 0.1.0 saved), used when `tls` is empty; the PEMs uploaded with it are in the credentials. */
  caPath?: string;
  certPath?: string;
  keyPath?: string;
  verifyServer?: boolean;
  servername?: string;
  /** Per-request time limit in seconds. */
  timeout?: number | string;
  retries?: number | string;
}



export const DEFAULT_REQUEST_TIMEOUT_S = 30;
export const DEFAULT_RETRIES = 3;

function checkUrl(raw: string | undefined, what = 'REST URL'): string {
  const url = (raw ?? '').trim();
  if (!url) throw invalidArgument(`The Flink cluster has no ${what}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidArgument(`The Flink cluster's ${what} is not a URL: expected http(s)://host:port[/base-path]`);
  }
  if (parsed.username || parsed.password) {
    // Whatever is in the URL ends up in the flow file: credentials belong in the authentication fields.
    throw invalidArgument(`The Flink cluster's ${what} must not contain a user or password: use the authentication fields`);
  }
  return url;
}

function positiveNumber(value: number | string | undefined, fallback: number, what: string, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > max) throw invalidArgument(`${what} must be a number from 0 to ${max}, not "${value}"`);
  return n;
}

function auth(settings: ClusterSettings, credentials: ClusterCredentials): FlinkAuth | undefined {
  switch (settings.authType || 'none') {
    case 'none':
      return undefined;
    case 'basic':
      if (!credentials.username) throw invalidArgument('Basic authentication needs a user name');
      return { type: 'basic', username: credentials.username, password: credentials.password ?? '' };
    case 'bearer':
      if (!credentials.token) throw invalidArgument('Bearer authentication needs a token');
      return { type: 'bearer', token: credentials.token };
    default:
      throw invalidArgument(`Unknown authentication type "${settings.authType}": expected none, basic or bearer`);
  }
}

/** A PEM from the credentials, or else read from the file path. */
function pem(content: string | undefined, filePath: string | undefined, what: string): string | undefined {
  if (content && content.trim()) return content;
  if (!filePath || !filePath.trim()) return undefined;
  try {
    return readFileSync(filePath.trim(), 'utf8');
  } catch (err) {
    throw invalidArgument(`Cannot read the TLS ${what} file ${filePath.trim()}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * TLS from the tls-config node when the cluster names one; else from the inline fields 0.1.0 saved. When both
 * are set, the tls-config node wins: it is what the editor shows today, the inline fields are the old way.
 */
function tls(settings: ClusterSettings, credentials: ClusterCredentials, environment: ClusterEnvironment): FlinkTlsOptions | undefined {
  const tlsConfigId = typeof settings.tls === 'string' ? settings.tls.trim() : '';
  if (tlsConfigId) return environment.tlsConfig(tlsConfigId);
  const ca = pem(credentials.caPem, settings.caPath, 'CA certificate');
  const cert = pem(credentials.certPem, settings.certPath, 'client certificate');
  const key = pem(credentials.keyPem, settings.keyPath, 'client key');
  if (Boolean(cert) !== Boolean(key)) throw invalidArgument('Mutual TLS needs both a client certificate and its key');
  const servername = settings.servername?.trim();
  const options: FlinkTlsOptions = {
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(key && credentials.passphrase ? { passphrase: credentials.passphrase } : {}),
    ...(servername ? { servername } : {}),
    rejectUnauthorized: settings.verifyServer !== false,
  };
  return Object.keys(options).length > 1 || options.rejectUnauthorized === false ? options : undefined;
}

function headers(settings: ClusterSettings, { env }: ClusterEnvironment): Record<string, string> | undefined {
  const list = (settings.headers ?? []).filter((h) => h && typeof h.name === 'string' && h.name.trim());
  if (list.length === 0) return undefined;
  return Object.fromEntries(list.map((h) => {
    const value = h.type === 'env' ? env(h.value) : h.value;
    if (value === undefined) throw invalidArgument(`Header ${h.name.trim()}: the environment variable ${h.value} is not set`);
    return [h.name.trim(), String(value)];
  }));
}

/**
 * The client options a flink-cluster config stands for. Throws FLINK_INVALID_ARGUMENT, naming the field,
 * for a setting that cannot work; never puts a credential in a message.
 */
export function clientOptions(settings: ClusterSettings, credentials: ClusterCredentials,
  environment: ClusterEnvironment): FlinkClusterClientOptions {
  const timeoutS = positiveNumber(settings.timeout, DEFAULT_REQUEST_TIMEOUT_S, 'The request timeout (seconds)', MAX_TIMER_MS / 1000);
  const retries = positiveNumber(settings.retries, DEFAULT_RETRIES, 'Retries');
  const authOptions = auth(settings, credentials);
  const tlsOptions = tls(settings, credentials, environment);
  const extraHeaders = headers(settings, environment);
  return {
    url: checkUrl(settings.url),
    ...(authOptions ? { auth: authOptions } : {}),
    ...(tlsOptions ? { tls: tlsOptions } : {}),
    ...(extraHeaders ? { headers: extraHeaders } : {}),
    ...(timeoutS > 0 ? { timeoutMs: Math.round(timeoutS * 1000) } : {}),
    retry: { maxRetries: Math.floor(retries) },
  };
}

/**
 * The connection to the cluster's SQL Gateway, reached as its REST API is (authentication, headers, TLS, limits);
 * undefined when the config names no gateway.
 */
export function sqlGatewayOptions(settings: ClusterSettings, credentials: ClusterCredentials,
  environment: ClusterEnvironment): FlinkClusterClientOptions | undefined {
  if (!settings.sqlGatewayUrl?.trim()) return undefined;
  return { ...clientOptions(settings, credentials, environment), url: checkUrl(settings.sqlGatewayUrl, 'SQL Gateway URL') };
}
