import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../dev/flink/cluster';
import { settingsModule, startNodeRed, type RunningNodeRed } from '../../dev/node-red';
import { projectRoot } from '../../dev/paths';
import { runEditor } from './editor-sandbox';

interface PackageJson { name: string; 'node-red': { version: string; nodes: Record<string, string> } }

const packageJson = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as PackageJson;
const types = Object.keys(packageJson['node-red'].nodes);
const nodesSrc = path.join(projectRoot, 'nodes');

/** Flattens a locale catalog into dotted keys. */
function keysOf(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) => (typeof value === 'string' ? [`${prefix}${key}`] : keysOf(value as Record<string, unknown>, `${prefix}${key}.`)));
}

describe('the package as Node-RED sees it', function () {
  describe('editor files', function () {
    for (const type of types) {
      it(`${type}: registers its type, with its form template and its help (labels: locales.test.ts)`, function () {
        const html = readFileSync(path.join(nodesSrc, `${type}.html`), 'utf8');
        assert.match(html, new RegExp(`data-template-name="${type}"`));
        assert.ok(runEditor(type).definition, 'the editor script registers the type');

        const help = readFileSync(path.join(projectRoot, 'dist', 'nodes', 'locales', 'en-US', `${type}.html`), 'utf8');
        assert.match(help, new RegExp(`data-help-name="${type}"`));
        assert.match(help, /<h3>Details<\/h3>/);
        if (type !== 'flink-cluster') assert.match(help, /<h3>Outputs<\/h3>/);
        if (!['flink-cluster', 'flink-job-watch', 'flink-job-health'].includes(type)) assert.match(help, /<h3>Inputs<\/h3>/);
      });
    }

    it('the editor refuses a timeout or interval past what a timer can hold (2^31-1 ms), naming the limit', function () {
      const checked: string[] = [];
      for (const type of types) {
        const definition = runEditor(type).definition;
        for (const property of ['timeout', 'interval', 'sampleInterval'] as const) {
          const validate = definition?.defaults[property]?.validate;
          if (!validate) continue;
          checked.push(`${type}.${property}`);
          for (const ok of ['5', 5, '2147483.647', '0.5']) assert.equal(validate(ok), true, `${type} ${property} ${ok}`);
          for (const bad of ['2147483.648', 1e12, 'soon', '-1', 'Infinity']) {
            assert.match(String(validate(bad)), /^text of .*flink(-cluster)?\.errors\.(timeout|requestTimeout|interval)$/, `${type} ${property} ${bad}`);
          }
        }
      }
      assert.deepEqual(checked.sort(), ['flink-cancel.timeout', 'flink-checkpoint.timeout', 'flink-cluster.timeout', 'flink-dispose-savepoint.timeout',
        'flink-job-health.interval', 'flink-job-health.sampleInterval', 'flink-job-info.timeout', 'flink-job-metrics.interval', 'flink-job-watch.interval', 'flink-rescale.timeout', 'flink-run-job.timeout', 'flink-savepoint.timeout', 'flink-savepoints.timeout', 'flink-stop.timeout',
        'flink-upgrade.timeout']);
      const catalog = JSON.parse(readFileSync(path.join(nodesSrc, 'locales', 'en-US', 'flink-cluster.json'), 'utf8')) as Record<'flink-cluster' | 'flink', { errors: Record<string, string> }>;
      for (const key of ['timeout', 'interval']) assert.match(catalog.flink.errors[key]!, /2147483\.647/);
      assert.match(catalog['flink-cluster'].errors.requestTimeout!, /2147483\.647/);
    });

    it('has every runtime message the nodes ask for', function () {
      // Each node type's runtime messages are in its own catalog, the shared ones in flink-cluster's (test/nodes/runtime-messages.test.ts checks which where).
      const runtime = types.flatMap((type) => keysOf((JSON.parse(readFileSync(path.join(nodesSrc, 'locales', 'en-US', `${type}.json`), 'utf8')) as { runtime?: Record<string, unknown> }).runtime ?? {}));
      const sources = readdirSync(nodesSrc).filter((f) => f.endsWith('.ts')).map((f) => path.join(nodesSrc, f))
        .concat(readdirSync(path.join(nodesSrc, 'lib'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(nodesSrc, 'lib', f)));
      const asked = sources.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bt\('([\w.]+)'/g)].map((m) => m[1]!));
      const activities = sources.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/activity: '([\w.]+)'/g)].map((m) => m[1]!));
      assert.ok(asked.length > 10);
      assert.deepEqual([...asked, ...activities].filter((key) => !runtime.includes(key)), []);
    });
  });

  describe('loaded by a real Node-RED', function () {
    let userDir: string;
    let nodeRed: RunningNodeRed | undefined;
    let base: string;
    let output = '';

    before(async function () {
      userDir = mkdtempSync(path.join(os.tmpdir(), 'flink-nodes-red-'));
      mkdirSync(path.join(userDir, 'node_modules', '@flink-ops'), { recursive: true });
      symlinkSync(projectRoot, path.join(userDir, 'node_modules', ...packageJson.name.split('/')), 'dir');
      writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'user-dir', dependencies: { [packageJson.name]: '*' } }));
      const settingsFile = path.join(userDir, 'settings.js');
      writeFileSync(settingsFile, settingsModule({ credentialSecret: 'package-test' }, 'test/nodes/package.test.ts'));
      nodeRed = await startNodeRed({ userDir, settingsFile, port: await freePort(), safeMode: true, output: (text) => { output += text; } });
      base = nodeRed.editorUrl.replace(/\/$/, '');
    });

    after(async function () {
      await nodeRed?.stop();
      rmSync(userDir, { recursive: true, force: true });
    });

    it('loads every node set of the module without an error', async function () {
      const sets = await (await fetch(`${base}/nodes`, { headers: { accept: 'application/json' } })).json() as
        Array<{ module: string; name: string; types: string[]; enabled: boolean; err?: string }>;
      const ours = sets.filter((set) => set.module === packageJson.name);
      assert.deepEqual(ours.map((set) => set.name).sort(), [...types].sort(), output);
      for (const set of ours) {
        assert.equal(set.err, undefined, `${set.name}: ${set.err}`);
        assert.equal(set.enabled, true, set.name);
        assert.deepEqual(set.types, [set.name]);
      }
    });

    it('serves the editor HTML with help, the locale catalogs, the icon and the examples', async function () {
      const html = await (await fetch(`${base}/nodes`, { headers: { accept: 'text/html' } })).text();
      for (const type of types) {
        assert.ok(html.includes(`data-template-name="${type}"`), `${type} editor template`);
        assert.ok(html.includes(`data-help-name="${type}"`), `${type} help`);
      }
      const catalogs = await (await fetch(`${base}/nodes/messages?lng=en-US`)).json() as Record<string, Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
      for (const type of types) assert.ok(catalogs[`${packageJson.name}/${type}`]?.[type]?.label, `${type} labels`);
      assert.equal(catalogs[`${packageJson.name}/flink-savepoint`]!['flink-savepoint'].paletteLabel, 'savepoint');
      // The runtime messages several nodes share live in the cluster config's catalog.
      assert.equal(typeof catalogs[`${packageJson.name}/flink-cluster`]!.runtime.errors.noCluster, 'string');
      const icons = await (await fetch(`${base}/icons`)).json() as Record<string, string[]>;
      assert.deepEqual(icons[packageJson.name], ['flink.svg']);
      const examples = await (await fetch(`${base}/library/examples/flows/${packageJson.name}`)).json() as Array<{ fn?: string }>;
      assert.deepEqual(examples.map((e) => e.fn).sort(), ['Alert-driven stop with savepoint', 'Autoscale', 'Blue-green upgrade', 'Ops panel', 'SQL pipeline', 'Scheduled savepoint with retention', 'Time-of-day rescale']);
    });
  });
});
