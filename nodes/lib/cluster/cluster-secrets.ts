import type { ClusterEnvironment } from './cluster-environment';
import type { ClusterCredentials } from './cluster-credentials';
import type { ClusterSettings } from './cluster-options';

/** The tls-config node's key and passphrase, when the cluster uses one that can be used. */
function tlsConfigSecrets(settings: ClusterSettings, environment: ClusterEnvironment): Array<string | undefined> {
  const tlsConfigId = typeof settings.tls === 'string' ? settings.tls.trim() : '';
  if (!tlsConfigId) return [];
  try {
    const { key, passphrase } = environment.tlsConfig(tlsConfigId);
    return [passphrase, typeof key === 'string' ? key : key?.toString('utf8')];
  } catch {
    return []; // not usable: the cluster reports that, and sends nothing
  }
}

/**
 * Everything that must never show in a status, a message or a log: the secret credentials (the tls-config
 * node's too), and header values taken from the environment (where the help says secret header values belong).
 */
export function secretsOf(credentials: ClusterCredentials, settings: ClusterSettings,
  environment: ClusterEnvironment): Array<string | undefined> {
  const { username, password, token, keyPem, passphrase } = credentials;
  const envHeaders = (settings.headers ?? []).filter((h) => h && h.type === 'env').map((h) => environment.env(h.value));
  return [password, token, passphrase, keyPem, username && password ? `${username}:${password}` : undefined,
    ...tlsConfigSecrets(settings, environment), ...envHeaders];
}
