import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(from: string): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

/** The repository root, whether this file runs from `dev/` or from the build's `dist/dev/`. */
export const projectRoot = findProjectRoot(__dirname);
export const fixturesDir = path.join(projectRoot, 'test', 'fixtures');

/** A savepoint location as Flink reports it (`file:/...`) as a path on this machine's disk. */
export function localPath(location: string): string {
  return location.startsWith('file:') ? fileURLToPath(location) : location;
}
