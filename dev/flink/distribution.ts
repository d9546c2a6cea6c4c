import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../paths';

const run = promisify(execFile);

/** Newest 2.x release with a wheel on PyPI; `FLINK_VERSION` selects another. */
export const DEFAULT_FLINK_VERSION = '2.3.0';

export interface FlinkDistribution {
  version: string;
  /** The unpacked `pyflink` folder: `lib/`, `opt/`, `plugins/`. */
  home: string;
  libDir: string;
  pluginsDir: string;
  /** Every jar of `lib/`, flink-dist last, as Flink's own scripts order them. */
  classpath: string[];
}

const cacheRoot = path.join(projectRoot, '.cache', 'flink');
const installedMarker = '.installed';

/** Turns `1.20` into the newest `1.20.x` PyPI has; full versions pass through. */
export async function resolveFlinkVersion(requested = process.env.FLINK_VERSION || DEFAULT_FLINK_VERSION): Promise<string> {
  if (/^\d+\.\d+\.\d+$/.test(requested)) return requested;
  const line = requested.replace(/\.x$/, '');
  if (!/^\d+\.\d+$/.test(line)) throw new Error(`FLINK_VERSION "${requested}" is not a version like 2.3.0, 1.20 or 1.20.x`);
  const cached = newestCached(line);
  if (cached) return cached;
  const { stdout } = await run('python3', ['-m', 'pip', 'index', 'versions', 'apache-flink-libraries']);
  const versions = /Available versions: (.*)/.exec(stdout)?.[1]?.split(', ') ?? [];
  const match = versions.find((v) => v.startsWith(`${line}.`));
  if (!match) throw new Error(`PyPI has no apache-flink-libraries ${line}.x (it has: ${versions.join(', ')})`);
  return match;
}

function newestCached(line: string): string | undefined {
  if (!existsSync(cacheRoot)) return undefined;
  return readdirSync(cacheRoot)
    .filter((v) => v.startsWith(`${line}.`) && existsSync(path.join(cacheRoot, v, installedMarker)))
    .sort((a, b) => Number(b.split('.')[2]) - Number(a.split('.')[2]))[0];
}

/**
 * Installs `apache-flink-libraries` (the whole Flink distribution as jars) from PyPI into the
 * project's ignored cache, once per version; later calls reuse it.
 */
export async function ensureFlinkInstalled(version: string, log: (line: string) => void = () => {}): Promise<FlinkDistribution> {
  const target = path.join(cacheRoot, version);
  if (!existsSync(path.join(target, installedMarker))) {
    const partial = `${target}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(cacheRoot, { recursive: true });
    log(`installing apache-flink-libraries==${version} from PyPI into ${path.relative(projectRoot, target)} ...`);
    const started = Date.now();
    try {
      await run('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps',
        '--target', partial, `apache-flink-libraries==${version}`], { maxBuffer: 16 * 1024 * 1024 });
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      const stderr = (err as { stderr?: string }).stderr ?? '';
      throw new Error(`pip could not install apache-flink-libraries==${version}: ${stderr.trim().split('\n').slice(-3).join(' ')}`, { cause: err });
    }
    rmSync(target, { recursive: true, force: true });
    renameSync(partial, target);
    writeFileSync(path.join(target, installedMarker), new Date().toISOString());
    log(`installed Flink ${version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const home = path.join(target, 'pyflink');
  const libDir = path.join(home, 'lib');
  const jars = readdirSync(libDir).filter((f) => f.endsWith('.jar')).sort();
  const dist = jars.filter((f) => f.startsWith('flink-dist'));
  const classpath = [...jars.filter((f) => !f.startsWith('flink-dist')), ...dist].map((f) => path.join(libDir, f));
  return { version, home, libDir, pluginsDir: path.join(home, 'plugins'), classpath };
}
