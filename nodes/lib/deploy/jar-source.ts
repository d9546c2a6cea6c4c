import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { JAR_ID_PATTERN, type FlinkClusterClient } from '../../../src';
import { invalidArgument } from '../errors';
import type { NodeMessage } from 'node-red';
import { checkString, describeValue, isGiven, malformed, settingString } from '../values';

/*
 * The jar a deploying node runs: a file on the Node-RED host, the jar's bytes in msg.payload (from a `file in` or
 * `http request` node), or a jar already uploaded to the cluster. One of them, never a guess between several.
 */

/** The node's own choice of jar (the editor fills at most one). */
export interface JarSettings {
  /** A .jar file on the Node-RED host. */
  jarPath?: string;
  /** A jar already uploaded to the cluster, as Flink's `GET /jars` lists it. */
  jarId?: string;
}

export type JarSource =
  | { kind: 'path'; path: string; property: string }
  | { kind: 'bytes'; name: string; data: Buffer }
  | { kind: 'uploaded'; jarId: string };

/** The jar a run uses, and whether this run uploaded it (only then may it delete it). */
export interface ObtainedJar {
  jarId: string;
  uploaded: boolean;
}

/** Every jar is a zip archive: its first bytes are a local file header. */
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** The name a jar from msg.payload gets when the message carries no msg.filename. */
const DEFAULT_UPLOAD_NAME = 'flow-upload.jar';

/** A jar id given in `property`: the file name Flink lists, not a path. */
export function checkJarId(property: string, value: unknown): string {
  const id = checkString(property, value);
  if (!JAR_ID_PATTERN.test(id)) throw malformed(property, 'an uploaded jar\'s id as Flink lists it (e.g. "1f0e…_job.jar")', value);
  return id;
}

function checkJarPath(property: string, value: unknown): JarSource {
  const file = checkString(property, value);
  if (!file.toLowerCase().endsWith('.jar')) throw malformed(property, 'the path of a .jar file', value);
  return { kind: 'path', path: file, property };
}

/** Fails unless `data` starts as a jar (a zip archive) does: Flink would take anything and fail only at the run. */
function checkJarBytes(what: string, data: Buffer): Buffer {
  if (data.length < ZIP_MAGIC.length || !data.subarray(0, ZIP_MAGIC.length).equals(ZIP_MAGIC)) {
    throw invalidArgument(`${what} must be a jar file's bytes (a zip archive), got ${data.length} bytes that are not one`);
  }
  return data;
}

/** msg.payload as a jar's bytes, named after msg.filename when the message has one (as a `file in` node sets it). */
function payloadJar(msg: NodeMessage): JarSource {
  const data = checkJarBytes('msg.payload', msg.payload as Buffer);
  if (!isGiven(msg.filename)) return { kind: 'bytes', name: DEFAULT_UPLOAD_NAME, data };
  const name = path.basename(checkString('msg.filename', msg.filename));
  if (!name.toLowerCase().endsWith('.jar')) throw malformed('msg.filename', 'a name ending in .jar (Flink takes only .jar files)', msg.filename);
  return { kind: 'bytes', name, data };
}

/**
 * The jar the message asks for: msg.jarId, msg.jarPath, or a Buffer in msg.payload; else the node's jar id or
 * path. Two of them in the message (or both settings) are FLINK_INVALID_ARGUMENT naming them; none at all too.
 */
export function jarSourceInput(settings: JarSettings, msg: NodeMessage): JarSource {
  const given = [
    isGiven(msg.jarId) ? 'msg.jarId' : undefined,
    isGiven(msg.jarPath) ? 'msg.jarPath' : undefined,
    Buffer.isBuffer(msg.payload) ? 'msg.payload (a Buffer)' : undefined,
  ].filter((name): name is string => name !== undefined);
  if (given.length > 1) throw invalidArgument(`The message gives more than one jar (${given.join(', ')}): give only one`);
  if (isGiven(msg.jarId)) return { kind: 'uploaded', jarId: checkJarId('msg.jarId', msg.jarId) };
  if (isGiven(msg.jarPath)) return checkJarPath('msg.jarPath', msg.jarPath);
  if (Buffer.isBuffer(msg.payload)) return payloadJar(msg);
  const jarId = settingString(settings.jarId);
  const jarPath = settingString(settings.jarPath);
  if (jarId && jarPath) throw invalidArgument('The node has both a jar path and a jar id: keep only one');
  if (jarId) return { kind: 'uploaded', jarId: checkJarId('The node\'s jar id', jarId) };
  if (jarPath) return checkJarPath('The node\'s jar path', jarPath);
  throw invalidArgument('No jar to run: set the node\'s jar path or jar id, or send msg.jarPath, msg.jarId, or the jar\'s bytes as a Buffer in msg.payload');
}

async function readJar(source: Extract<JarSource, { kind: 'path' }>): Promise<{ name: string; data: Buffer }> {
  let data: Buffer;
  try {
    data = await readFile(source.path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? describeValue(err);
    throw invalidArgument(`${source.property}: cannot read ${source.path} on the Node-RED host (${reason})`);
  }
  return { name: path.basename(source.path), data: checkJarBytes(`${source.property} (${source.path})`, data) };
}

/** Uploads the jar unless it is already on the cluster; returns its jar id. */
export async function obtainJar(client: FlinkClusterClient, source: JarSource, signal: AbortSignal): Promise<ObtainedJar> {
  if (source.kind === 'uploaded') return { jarId: source.jarId, uploaded: false };
  const file = source.kind === 'path' ? await readJar(source) : source;
  return { jarId: await client.uploadJar(file, { signal }), uploaded: true };
}

/** Deletes a jar this run uploaded (a jar it was given stays). */
export async function releaseJar(client: FlinkClusterClient, jar: ObtainedJar, signal: AbortSignal): Promise<void> {
  if (jar.uploaded) await client.deleteJar(jar.jarId, { signal });
}
