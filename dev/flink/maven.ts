import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { projectRoot } from '../paths';

/** Jars the harness takes from Maven Central: what PyPI's Flink distribution lacks (ZooKeeper, the SQL Gateway). */
const MAVEN_CENTRAL = 'https://repo1.maven.org/maven2';

/** A GET that Maven Central answered with something else than 200 (404: it does not serve that file). */
export class MavenHttpError extends Error {
  constructor(readonly url: string, readonly statusCode: number | undefined) {
    super(`GET ${url} answered ${statusCode}`);
  }
}

function download(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { timeout: 60_000 }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new MavenHttpError(url, response.statusCode));
        return;
      }
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks)));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on('error', reject);
  });
}

const artifactDir = (group: string, artifact: string): string => `${MAVEN_CENTRAL}/${group.replaceAll('.', '/')}/${artifact}`;

/**
 * Downloads the jar of `group:artifact:version` once into `cacheDir` (under the project), checked against Maven
 * Central's `.sha1`; returns its path. A jar Maven Central does not serve fails with a MavenHttpError (404).
 */
export async function ensureMavenJar(coordinates: string, cacheDir: string, log: (line: string) => void = () => {}): Promise<string> {
  const [group, artifact, version] = coordinates.split(':') as [string, string, string];
  const file = path.join(cacheDir, `${artifact}-${version}.jar`);
  if (existsSync(file)) return file;
  const url = `${artifactDir(group, artifact)}/${version}/${artifact}-${version}.jar`;
  const [jar, sha1] = await Promise.all([download(url), download(`${url}.sha1`)]);
  const expected = sha1.toString('utf8').trim().split(/\s+/)[0]!.toLowerCase();
  const actual = createHash('sha1').update(jar).digest('hex');
  if (actual !== expected) throw new Error(`${url}: SHA-1 ${actual} does not match the published ${expected}`);
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, jar);
  renameSync(partial, file); // whole or not at all
  log(`downloaded ${coordinates} (${(jar.length / 1024).toFixed(0)} KiB) into ${path.relative(projectRoot, cacheDir)}`);
  return file;
}

/** The versions Maven Central lists for `group:artifact` (its `maven-metadata.xml`), in its order. */
export async function mavenVersions(group: string, artifact: string): Promise<string[]> {
  const xml = (await download(`${artifactDir(group, artifact)}/maven-metadata.xml`)).toString('utf8');
  return [...xml.matchAll(/<version>([^<]+)<\/version>/g)].map((match) => match[1]!);
}
