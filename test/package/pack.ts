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

const packed = new Map<string, Promise<PackedPlugin>>();

/** Packs the package in `folder` (its build must be done) into `.cache/pack/`, once per test run and folder. */
function packFolder(folder: string): Promise<PackedPlugin> {
  let pack = packed.get(folder);
  if (!pack) {
    pack = (async () => {
      const destination = path.join(projectRoot, '.cache', 'pack', String(process.pid)); // test files pack side by side
      mkdirSync(destination, { recursive: true });
      const output = await npm(['pack', '--json', '--pack-destination', destination], { cwd: folder });
      const [entry] = JSON.parse(output.slice(output.indexOf('['))) as NpmPackEntry[];
      if (!entry) throw new Error(`npm pack printed no package: ${output}`);
      return {
        name: entry.name,
        version: entry.version,
        tarball: path.join(destination, entry.filename),
        files: entry.files.map((file) => file.path).sort(),
      };
    })();
    packed.set(folder, pack);
  }
  return pack;
}

/** This repository's package (its `dist/` must be built: the tests run from it). */
export function packPlugin(): Promise<PackedPlugin> {
  return packFolder(projectRoot);
}

/** The Dashboard 2.0 companion in `dashboard/` (built by the root build: `dashboard/dist/`, `dashboard/resources/`). */
export function packCompanion(): Promise<PackedPlugin> {
  return packFolder(path.join(projectRoot, 'dashboard'));
}
