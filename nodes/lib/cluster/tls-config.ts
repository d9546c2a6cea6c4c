import type { FlinkTlsOptions } from '../../../src';
import { invalidArgument } from '../errors';
import type { Node, NodeAPI } from 'node-red';

/** What a deployed tls-config node (Node-RED core, 05-tls.js) offers its users. */
interface TlsConfigNode extends Node {
  /** false when its files could not be read, or a certificate came without its key. */
  valid?: boolean;
  addTLSOptions(options: Record<string, unknown>): { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer;
    passphrase?: string; servername?: string; rejectUnauthorized?: boolean };
}

/**
 * The client's TLS options from a deployed tls-config node, as mqtt-broker and http request take them (CA, client
 * certificate and key from its files or uploads, passphrase, server name, verify the server's certificate).
 */
export function tlsConfigOptions(RED: NodeAPI, id: string): FlinkTlsOptions {
  const node = RED.nodes.getNode(id) as TlsConfigNode | null;
  if (!node || node.type !== 'tls-config' || typeof node.addTLSOptions !== 'function') {
    throw invalidArgument(`The cluster's TLS configuration (${id}) is not a deployed tls-config node: deploy it, or choose another`);
  }
  if (node.valid === false) {
    throw invalidArgument(`The TLS configuration "${node.name || id}" cannot be used: a file cannot be read, or a certificate has no key (its own error is in the log)`);
  }
  const { ca, cert, key, passphrase, servername, rejectUnauthorized } = node.addTLSOptions({});
  return {
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(passphrase ? { passphrase } : {}),
    ...(servername ? { servername } : {}),
    // tls-config leaves verifyservercert undefined in flows saved before it had the box: Node's default (verify).
    rejectUnauthorized: rejectUnauthorized !== false,
  };
}
