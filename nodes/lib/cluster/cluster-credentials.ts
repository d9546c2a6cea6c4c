/**
 * The flink-cluster node's credentials and how Node-RED keeps each: a password is never sent back to the editor,
 * a text is. No imports: the editor bundle declares the same credentials from here.
 */
export const CLUSTER_CREDENTIAL_TYPES = {
  username: { type: 'text' },
  password: { type: 'password' },
  token: { type: 'password' },
  caPem: { type: 'text' },
  certPem: { type: 'text' },
  keyPem: { type: 'password' },
  passphrase: { type: 'password' },
} as const;

/** The flink-cluster node's credentials: kept by Node-RED apart from the flow, never exported. */
export type ClusterCredentials = { -readonly [name in keyof typeof CLUSTER_CREDENTIAL_TYPES]?: string };
