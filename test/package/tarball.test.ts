import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { readExampleFlows } from '../../dev/example-flows';
import { projectRoot } from '../../dev/paths';
import { packPlugin, type PackedPlugin } from './pack';
import { readPackageJson } from './package-json';
import { sharedPackedNodeRed, startPackedNodeRed, type PackedNodeRed } from './packed-node-red';
import { nodeRed5 } from './runtimes';

/** What may be in the tarball, and why. Anything else (tests, TypeScript sources, maps, caches) fails. */
const ALLOWED: Array<[RegExp, string]> = [
  [/^package\.json$|^README\.md$|^LICENSE$/, 'the package itself'],
  [/^dist\/src\/((sql|applications|rescales)\/)?[\w-]+\.js$/, 'the client library, the package main export (the SQL Gateway client, applications and rescale history in folders of their own)'],
  [/^dist\/src\/((sql|applications|rescales)\/)?[\w-]+\.d\.ts$/, 'the client library\'s type declarations (package.json "types")'],
  [/^dist\/nodes\/[\w-]+\.(js|html)$/, 'the nodes: runtime and editor'],
  [/^dist\/nodes\/lib\/((applications|autoscale|cluster|companion|deploy|flow|health|jobs|metrics|rescale|savepoints|sql)\/)?[\w-]+\.js$/, 'code the nodes share'],
  [/^dist\/nodes\/locales\/[\w-]+\/[\w-]+\.(json|html)$/, 'labels, messages and help'],
  [/^dist\/nodes\/icons\/[\w.-]+\.(svg|png)$/, 'node icons'],
  [/^resources\/flink-editor\.js$/, 'the editor script the nodes share, served by Node-RED from resources/'],
  [/^examples\/.+\.json$/, 'example flows for the Import menu'],
];

interface NodeSet {
  id: string; name: string; module: string; version?: string; types: string[];
  enabled: boolean; err?: unknown;
}

async function fetchOk(url: string, headers: Record<string, string> = {}): Promise<Response> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) });
  assert.equal(response.status, 200, `GET ${url}`);
  return response;
}

/**
 * What Node-RED itself warns about on every first start in a new user dir, whatever is installed:
 * the projects feature is off unless enabled, and there is no credentials file before the first deploy.
 */
const NODE_RED_FIRST_START = [
  /\[warn\] Projects disabled : set editorTheme\.projects\.enabled=true to enable$/,
  /\[warn\] Encrypted credentials not found$/,
];

/** Node-RED log lines that are warnings or errors, whoever printed them, but for the first-start notices. */
const warnings = (log: string): string[] => log.split('\n')
  .filter((line) => /\[(warn|error)\]|warning|deprecat|flink/i.test(line) && !/\[info\]/.test(line))
  .filter((line) => !NODE_RED_FIRST_START.some((notice) => notice.test(line)));

/** Every node type registers from the installed tarball, with its editor HTML, messages and icon. */
async function assertRegistersCleanly(nodeRed: PackedNodeRed): Promise<void> {
  const pkg = readPackageJson();
  const types = Object.keys(pkg['node-red'].nodes).sort();
  assert.deepEqual(warnings(nodeRed.startupLog), [], `${nodeRed.runtime.label} printed warnings while starting`);
  assert.match(nodeRed.startupLog, new RegExp(`Node-RED version: v${nodeRed.runtime.nodeRedVersion.replace(/\./g, '\\.')}`));

  const sets = await (await fetchOk(`${nodeRed.editorUrl}nodes`, { Accept: 'application/json' })).json() as NodeSet[];
  const ours = sets.filter((set) => set.module === pkg.name);
  assert.deepEqual(ours.map((set) => set.name).sort(), types, 'one node set per package.json node-red.nodes entry');
  for (const set of ours) {
    assert.deepEqual({ types: set.types, enabled: set.enabled, err: set.err, version: set.version },
      { types: [set.name], enabled: true, err: undefined, version: pkg.version }, `node set ${set.id}`);
  }
  const module = await (await fetchOk(`${nodeRed.editorUrl}nodes/${pkg.name}`, { Accept: 'application/json' })).json() as { path: string };
  assert.equal(module.path, path.join(nodeRed.userDir, 'node_modules', pkg.name), 'loaded from the npm-installed tarball');

  const editorHtml = await (await fetchOk(`${nodeRed.editorUrl}nodes`, { Accept: 'text/html' })).text();
  for (const type of types) {
    assert.match(editorHtml, new RegExp(`data-template-name="${type}"`), `editor form of ${type}`);
    assert.match(editorHtml, new RegExp(`data-help-name="${type}"`), `help of ${type}`);
    const messages = await (await fetchOk(`${nodeRed.editorUrl}locales/${pkg.name}/${type}?lng=en-US`)).json() as Record<string, unknown>;
    assert.ok(messages[type], `en-US messages of ${type}`);
  }
  const icon = await fetchOk(`${nodeRed.editorUrl}icons/${pkg.name}/flink.svg`);
  assert.match(icon.headers.get('content-type') ?? '', /svg/);
}

describe('the packed tarball (npm pack), as the palette manager installs it', function () {
  let plugin: PackedPlugin;
  before(async function () {
    this.timeout(120_000);
    plugin = await packPlugin();
  });

  it('holds what a user needs: built nodes and client, editor HTML, locales, icons, examples, README, LICENSE', function () {
    const pkg = readPackageJson();
    const needed = [
      'package.json', 'README.md', 'LICENSE', pkg.main, pkg.types!, 'resources/flink-editor.js',
      ...Object.values(pkg['node-red'].nodes),
      ...Object.values(pkg['node-red'].nodes).map((file) => file.replace(/\.js$/, '.html')),
      ...Object.keys(pkg['node-red'].nodes).flatMap((type) => [`dist/nodes/locales/en-US/${type}.json`, `dist/nodes/locales/en-US/${type}.html`]),
      ...readdirSync(path.join(projectRoot, 'icons')).map((icon) => `dist/nodes/icons/${icon}`),
      // The code the nodes share, every folder of nodes/lib/ included.
      ...readdirSync(path.join(projectRoot, 'nodes', 'lib'), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts'))
        .map((file) => `dist/nodes/lib/${file.split(path.sep).join('/').replace(/\.ts$/, '.js')}`),
      ...readExampleFlows(path.join(projectRoot, 'examples')).map((example) => `examples/${example.name}.json`),
    ];
    const missing = needed.filter((file) => !plugin.files.includes(file));
    assert.deepEqual(missing, [], `missing from ${path.basename(plugin.tarball)}`);
    assert.ok(plugin.files.some((file) => file.startsWith('examples/')), 'at least one example flow');
  });

  it('holds nothing else: no tests, TypeScript sources, source maps or caches', function () {
    const unexpected = plugin.files.filter((file) => !ALLOWED.some(([pattern]) => pattern.test(file)));
    assert.deepEqual(unexpected, [], `unexpected in ${path.basename(plugin.tarball)}`);
    assert.ok(plugin.files.length < 300, `${plugin.files.length} files`);
  });

  it('installs into a fresh Node-RED 4.1.x on Node 20 and registers every node type with no warnings', async function () {
    this.timeout(180_000);
    const nodeRed = await sharedPackedNodeRed();
    assert.equal(semver.major(nodeRed.runtime.nodeRedVersion), 4);
    assert.equal(semver.minor(nodeRed.runtime.nodeRedVersion), 1);
    assert.equal(semver.major(nodeRed.runtime.nodeVersion), 20);
    await assertRegistersCleanly(nodeRed);
  });

  it('installs into a fresh Node-RED 5.x on Node 22 (both from the npm registry) and registers every node type with no warnings', async function () {
    this.timeout(600_000);
    const runtime = await nodeRed5((line) => console.log(`      [runtimes] ${line}`));
    assert.equal(semver.major(runtime.nodeRedVersion), 5);
    assert.ok(semver.satisfies(runtime.nodeVersion, '^22.9.0'), `Node ${runtime.nodeVersion}`);
    const nodeRed = await startPackedNodeRed(runtime, plugin);
    try {
      await assertRegistersCleanly(nodeRed);
    } finally {
      await nodeRed.stop();
    }
  });
});
