import { createDecipheriv, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Reads a Node-RED credentials file (flows_cred.json) encrypted with `credentialSecret`: `{ "$": hex
 * initialisation vector (16 bytes) followed by the base64 ciphertext }`, AES-256-CTR keyed with the
 * SHA-256 of the secret. Returns the credentials by node id.
 */
export function readCredentialsFile(file: string, credentialSecret: string): Record<string, Record<string, unknown>> {
  const stored = JSON.parse(readFileSync(file, 'utf8')) as { $?: unknown };
  if (typeof stored.$ !== 'string') throw new Error(`${file} is not encrypted`);
  const key = createHash('sha256').update(credentialSecret).digest();
  const decipher = createDecipheriv('aes-256-ctr', key, Buffer.from(stored.$.slice(0, 32), 'hex'));
  const plain = decipher.update(stored.$.slice(32), 'base64', 'utf8') + decipher.final('utf8');
  return JSON.parse(plain) as Record<string, Record<string, unknown>>;
}
