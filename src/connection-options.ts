import { rootCertificates } from 'node:tls';
import type { Agent } from 'undici';
import { invalidArgument } from './errors';
import type { ConnectionOptions, FlinkAuth, FlinkTlsOptions } from './types';

/** What a transport needs from its connection options: where Flink is, the headers of every request, and TLS. */
export interface ConnectionSettings {
  origin: string;
  basePath: string;
  headers: Record<string, string>;
  connect: Agent.Options['connect'];
}

/** Checks the URL, auth and TLS options (FLINK_INVALID_ARGUMENT naming what is wrong, never a secret). */
export function connectionSettings(options: ConnectionOptions): ConnectionSettings {
  const { origin, basePath, userinfo } = parseBaseUrl(options.url);
  const auth = authorization(options.auth ?? userinfo);
  return {
    origin, basePath,
    headers: { accept: 'application/json', ...options.headers, ...(auth ? { authorization: auth } : {}) },
    connect: tlsConnectOptions(options.tls),
  };
}

function parseBaseUrl(raw: string): { origin: string; basePath: string; userinfo?: FlinkAuth } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidArgument(`"${withoutUserinfo(raw)}" is not a URL: expected http(s)://host:port[/base-path]`);
  }
  if (url.pathname.includes('@')) {
    // "http://us/er:pw@host" parses as host "us" and path "/er:pw@host": credentials a "/" broke apart.
    throw invalidArgument(`Flink's URL has an "@" in its path; if it holds a user name and password, write a "/" in them as %2F`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidArgument(`Flink's REST URL must start with http:// or https://, not ${url.protocol}//`);
  }
  let userinfo: FlinkAuth | undefined;
  try {
    userinfo = url.username
      ? { type: 'basic', username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
      : undefined;
  } catch {
    throw invalidArgument(`The user name or password in Flink's URL ${url.origin} is not valid percent-encoding`);
  }
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, ''), ...(userinfo ? { userinfo } : {}) };
}

/**
 * A URL that failed to parse, fit to show: everything up to its last "@" could be credentials (a
 * password may hold "/", "#", "?" or "@" that break parsing), so it is hidden.
 */
function withoutUserinfo(raw: string): string {
  const text = String(raw);
  const at = text.lastIndexOf('@');
  if (at < 0) return text;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? '';
  return `${scheme}***${text.slice(at)}`;
}

function authorization(auth: FlinkAuth | undefined): string | undefined {
  if (!auth) return undefined;
  if (auth.type === 'basic') return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  if (auth.type === 'bearer') return `Bearer ${auth.token}`;
  throw invalidArgument(`auth.type must be "basic" or "bearer"`);
}

function tlsConnectOptions(tls: FlinkTlsOptions | undefined): Agent.Options['connect'] {
  if (!tls) return undefined;
  const extraCa = tls.ca === undefined ? [] : Array.isArray(tls.ca) ? tls.ca : [tls.ca];
  return {
    ...(extraCa.length > 0 ? { ca: [...rootCertificates, ...extraCa] } : {}),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
    ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }),
    ...(tls.servername === undefined ? {} : { servername: tls.servername }),
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
  };
}
