import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { readExampleFlows } from '../../dev/example-flows';
import { projectRoot } from '../../dev/paths';
import { editorNodeTypes, readPackageJson, type PackageJson } from './package-json';
import { nodeRed4, nodeRed5, type NodeRedRuntime } from './runtimes';

/**
 * The Flow Library's scorecard (what `node-red-dev validate` reports), checked here because the tool
 * needs the Flow Library's catalogue online. The codes are the scorecard's.
 */
describe('Flow Library scorecard', function () {
  let pkg: PackageJson;
  let nodeRed5Runtime: NodeRedRuntime;
  before(async function () {
    this.timeout(600_000);
    pkg = readPackageJson();
    nodeRed5Runtime = await nodeRed5((line) => console.log(`      [runtimes] ${line}`));
  });

  it('P01: has a license, Apache-2.0, with its full text in LICENSE', function () {
    assert.equal(pkg.license, 'Apache-2.0');
    const text = readFileSync(path.join(projectRoot, 'LICENSE'), 'utf8');
    assert.match(text, /Apache License\s+Version 2\.0, January 2004/);
    assert.match(text, /END OF TERMS AND CONDITIONS/);
  });

  it('P03: names its repository and where to report bugs', function () {
    const repository = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
    assert.match(repository ?? '', /^(git\+)?https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
    const bugs = typeof pkg.bugs === 'string' ? pkg.bugs : pkg.bugs?.url;
    assert.match(bugs ?? '', /^https:\/\//);
  });

  it('P04: has a scoped node-red-* name', function () {
    assert.match(pkg.name, /^@[a-z0-9-]+\/node-red-[a-z0-9-]+$/);
  });

  it('P05: has the node-red keyword', function () {
    assert.ok(pkg.keywords?.includes('node-red'), `keywords: ${pkg.keywords?.join(', ')}`);
  });

  it('P06: node-red.version is satisfied by the current Node-RED 4 and Node-RED 5', function () {
    const range = pkg['node-red'].version;
    assert.ok(range && semver.validRange(range), `node-red.version "${range}"`);
    for (const runtime of [nodeRed4(), nodeRed5Runtime]) {
      assert.ok(semver.satisfies(runtime.nodeRedVersion, range), `Node-RED ${runtime.nodeRedVersion} is outside ${range}`);
    }
  });

  it('P07: engines.node is satisfied by the lowest Node.js Node-RED 5 supports', function () {
    const nodeRedNeeds = nodeRed5Runtime.nodeRedPackage.engines?.node;
    assert.ok(nodeRedNeeds, 'Node-RED 5 declares engines.node');
    const lowest = semver.minVersion(nodeRedNeeds)!;
    const range = pkg.engines?.node;
    assert.ok(range && semver.satisfies(lowest, range), `Node ${lowest.version} (Node-RED 5's minimum) is outside engines.node "${range}"`);
  });

  it('N01: every package.json node has an editor HTML registering exactly that type, once', function () {
    const registered = editorNodeTypes();
    assert.deepEqual(registered.map((node) => node.type).sort(), Object.keys(pkg['node-red'].nodes).sort());
    for (const node of registered) {
      assert.equal(`nodes/${path.basename(pkg['node-red'].nodes[node.type]!, '.js')}.html`, node.file, node.type);
    }
  });

  it('N02: every non-config node appears in an example flow', function () {
    const examples = readExampleFlows(path.join(projectRoot, 'examples'));
    assert.ok(examples.length >= 1, 'examples/ has at least one flow');
    const used = new Set(examples.flatMap((example) => example.nodes.map((node) => node.type)));
    const flowNodes = editorNodeTypes().filter((node) => node.category !== 'config').map((node) => node.type);
    assert.ok(flowNodes.length >= 9, `${flowNodes.length} flow node types`);
    assert.deepEqual(flowNodes.filter((type) => !used.has(type)), [], 'node types in no example');
  });

  it('D01: has at most 6 runtime dependencies', function () {
    const dependencies = Object.keys(pkg.dependencies ?? {});
    assert.ok(dependencies.length <= 6, `${dependencies.length}: ${dependencies.join(', ')}`);
  });
});
