import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../dev/paths';
import { npm } from './runtimes';

/** The package as `npm pack` makes it from the current build: what the palette manager installs. */
export interface PackedPlugin {
  name: string;
  version: string;
  tarball: string;
  /** Every path inside the tarball, relative to the package root, sorted. */
  files: string[];
}

interface NpmPackEntry { name: string; version: string; filename: string; files: { path: string }[] }

let packed: Promise<PackedPlugin> | undefined;

/**
 * Packs this repository (its `dist/` must be built: the tests run from it) into `.cache/pack/`,
 * once per test run.
 */
export function packPlugin(): Promise<PackedPlugin> {
  packed ??= (async () => {
    const destination = path.join(projectRoot, '.cache', 'pack', String(process.pid)); // test files pack side by side
    mkdirSync(destination, { recursive: true });
    const output = await npm(['pack', '--json', '--pack-destination', destination], { cwd: projectRoot });
    const [entry] = JSON.parse(output.slice(output.indexOf('['))) as NpmPackEntry[];
    if (!entry) throw new Error(`npm pack printed no package: ${output}`);
    return {
      name: entry.name,
      version: entry.version,
      tarball: path.join(destination, entry.filename),
      files: entry.files.map((file) => file.path).sort(),
    };
  })();
  return packed;
}
