import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DEPLOYED_EXAMPLE_JOBS, EXAMPLE_JOBS, exampleJobName, JOB_NAME_ENV, readExampleFlows, repointClusters, sampleAlert, seedFlows, type ExampleFlow, type FlowNode,
} from '../../dev/example-flows';
import { prepareUserDir } from '../../dev/node-red';
import { projectRoot } from '../../dev/paths';

const FLINK = 'http://127.0.0.1:8081';
const GATEWAY = 'http://127.0.0.1:8083';
const LOCAL = { flinkUrl: FLINK, sqlGatewayUrl: GATEWAY };

/** An example as the editor exports it: flow nodes on a tab the file does not contain, a global config node. */
function example(name: string, ids: { cluster: string; list: string; debug: string }): ExampleFlow {
  return {
    name,
    nodes: [
      { id: ids.list, type: 'flink-list-jobs', z: 'gone-tab', cluster: ids.cluster, x: 100, y: 40, wires: [[ids.debug]] },
      { id: ids.debug, type: 'debug', z: 'gone-tab', x: 300, y: 40, wires: [] },
      { id: ids.cluster, type: 'flink-cluster', name: 'local', url: 'http://flink.example:8081' },
    ],
  };
}

const byType = (flows: FlowNode[], type: string): FlowNode[] => flows.filter((n) => n.type === type);

describe('npm start: seeding the Node-RED flow file from examples/', function () {
  it('puts each example on its own tab and points every flink-cluster node at the local Flink and its SQL gateway', function () {
    const flows = seedFlows([example('list-jobs', { cluster: 'c1', list: 'l1', debug: 'd1' })], LOCAL);
    const [tab] = byType(flows, 'tab');
    assert.equal(tab?.label, 'list-jobs');
    assert.equal(flows.find((n) => n.id === 'l1')?.z, tab?.id);
    assert.equal(flows.find((n) => n.id === 'd1')?.z, tab?.id);
    const [cluster] = byType(flows, 'flink-cluster');
    assert.equal(cluster?.z, undefined, 'config node stays global');
    assert.equal(cluster?.url, FLINK);
    assert.equal(cluster?.sqlGatewayUrl, GATEWAY);
    const [noGateway] = byType(seedFlows([example('list-jobs', { cluster: 'c1', list: 'l1', debug: 'd1' })], { flinkUrl: FLINK }), 'flink-cluster');
    assert.equal(noGateway?.sqlGatewayUrl, '', 'no gateway (FLINK_URL without FLINK_SQL_GATEWAY_URL): empty');
  });

  it('keeps an example that brings its own tab as it is', function () {
    const nodes: FlowNode[] = [
      { id: 't1', type: 'tab', label: 'Mine' },
      { id: 'n1', type: 'debug', z: 't1', x: 1, y: 1, wires: [] },
    ];
    assert.deepEqual(seedFlows([{ name: 'own-tab', nodes }], LOCAL), nodes);
  });

  it('renames ids that two examples share, with wires and config references following', function () {
    const ids = { cluster: 'c1', list: 'l1', debug: 'd1' };
    const flows = seedFlows([example('a', ids), example('b', ids)], LOCAL);
    assert.equal(new Set(flows.map((n) => n.id)).size, flows.length, 'ids are unique');
    const [tabA, tabB] = byType(flows, 'tab');
    const second = flows.filter((n) => n.z === tabB?.id);
    const list = second.find((n) => n.type === 'flink-list-jobs');
    const debug = second.find((n) => n.type === 'debug');
    assert.notEqual(list?.id, 'l1');
    assert.deepEqual(list?.wires, [[debug?.id]]);
    const clusters = byType(flows, 'flink-cluster');
    assert.equal(clusters.length, 2);
    assert.equal(list?.cluster, clusters[1]?.id);
    assert.ok(flows.filter((n) => n.z === tabA?.id).every((n) => ['l1', 'd1'].includes(n.id)));
  });

  it('re-points only the cluster nodes that pointed at the previous run, with its SQL gateway but not one of their own', function () {
    const previous = { flinkUrl: 'http://127.0.0.1:1111', sqlGatewayUrl: 'http://127.0.0.1:1112' };
    const flows: FlowNode[] = [
      { id: 'a', type: 'flink-cluster', url: previous.flinkUrl, sqlGatewayUrl: previous.sqlGatewayUrl },
      { id: 'b', type: 'flink-cluster', url: 'https://prod.example:8081', sqlGatewayUrl: previous.sqlGatewayUrl },
      { id: 'c', type: 'flink-cluster', url: previous.flinkUrl, sqlGatewayUrl: 'https://sql.example:8083' },
      { id: 'd', type: 'flink-cluster', url: previous.flinkUrl }, // seeded before npm start had a gateway
    ];
    assert.equal(repointClusters(flows, previous, LOCAL), 3);
    assert.deepEqual(flows.map((n) => [n.url, n.sqlGatewayUrl]), [
      [FLINK, GATEWAY], ['https://prod.example:8081', previous.sqlGatewayUrl], [FLINK, 'https://sql.example:8083'], [FLINK, GATEWAY],
    ]);
    assert.equal(repointClusters(flows, LOCAL, LOCAL), 0, 'the same addresses again: nothing moves');
  });

  it('gives the nodes on an unchanged Flink (FLINK_URL) the SQL gateway named this time', function () {
    const flows: FlowNode[] = [{ id: 'a', type: 'flink-cluster', url: FLINK, sqlGatewayUrl: '' }];
    assert.equal(repointClusters(flows, { flinkUrl: FLINK, sqlGatewayUrl: '' }, LOCAL), 1);
    assert.equal(flows[0]?.sqlGatewayUrl, GATEWAY);
  });

  it('reads examples recursively, sorted, and none from a missing folder', function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'examples-'));
    try {
      mkdirSync(path.join(dir, 'more'));
      writeFileSync(path.join(dir, 'b.json'), '[]');
      writeFileSync(path.join(dir, 'more', 'a.json'), '[{"id":"x","type":"debug"}]');
      writeFileSync(path.join(dir, 'notes.txt'), 'not a flow');
      assert.deepEqual(readExampleFlows(dir).map((e) => [e.name, e.nodes.length]), [['b', 0], ['more/a', 1]]);
      assert.deepEqual(readExampleFlows(path.join(dir, 'nope')), []);
      writeFileSync(path.join(dir, 'c.json'), '{"not":"an array"}');
      assert.throws(() => readExampleFlows(dir), /c\.json is not a flow/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm start: the example flows and the example jobs', function () {
  const shipped = readExampleFlows(path.join(projectRoot, 'examples'));

  it('each example names its job once, in its tab\'s FLINK_JOB_NAME, or takes it from the alert, and npm start runs that job or the example deploys it', function () {
    const acted = shipped.map((flow) => {
      const fromTab = exampleJobName(flow.nodes);
      const alert = sampleAlert(flow.nodes) as { alerts: Array<{ labels: { job_name: string } }> } | undefined;
      return { name: flow.name, jobs: fromTab ? [fromTab] : (alert?.alerts.map((a) => a.labels.job_name) ?? []) };
    });
    for (const { name, jobs } of acted) {
      assert.ok(jobs.length > 0, `${name} names no job`);
      const deploys = shipped.find((flow) => flow.name === name)!.nodes.some((node) => ['flink-run-job', 'flink-sql'].includes(node.type));
      for (const job of jobs) {
        if ((DEPLOYED_EXAMPLE_JOBS as readonly string[]).includes(job)) assert.ok(deploys, `${name} acts on ${job}, which npm start does not run, and does not deploy it`);
        else assert.ok((EXAMPLE_JOBS as readonly string[]).includes(job), `${name} acts on ${job}, which npm start does not run`);
      }
    }
  });

  it('has no job name written into a node: every job-scoped node takes ${FLINK_JOB_NAME} or the message\'s', function () {
    for (const flow of shipped) {
      const named = flow.nodes.filter((node) => node.type.startsWith('flink-') && typeof node.jobName === 'string' && node.jobName !== '');
      for (const node of named) assert.equal(node.jobName, `\${${JOB_NAME_ENV}}`, `${flow.name}: ${node.type} ${node.id}`);
      const injected = flow.nodes.filter((node) => node.type === 'inject' && JSON.stringify(node.props).includes('jobName'));
      assert.deepEqual(injected.map((node) => node.name), [], `${flow.name}: inject nodes that set msg.jobName`);
      for (const job of [...EXAMPLE_JOBS, ...DEPLOYED_EXAMPLE_JOBS]) {
        const mentions = flow.nodes.filter((node) => node.type !== 'tab' && node.type !== 'comment' && JSON.stringify(node).includes(job));
        assert.deepEqual(mentions.map((node) => node.id), [], `${flow.name}: nodes besides the tab and its notes that name ${job}`);
      }
    }
  });
});

describe('npm start: the Node-RED user dir', function () {
  let root: string;
  beforeEach(function () { root = mkdtempSync(path.join(os.tmpdir(), 'user-dir-')); });
  afterEach(function () { rmSync(root, { recursive: true, force: true }); });

  const settingsOf = (file: string): Record<string, unknown> => {
    delete require.cache[require.resolve(file)];
    return require(file) as Record<string, unknown>; // eslint-disable-line @typescript-eslint/no-require-imports -- a settings file read as Node-RED reads it, fresh each time
  };

  it('writes settings that load this package, keep context on disk, keep telemetry and tours off, and keep one secret', function () {
    const userDir = path.join(root, 'nr');
    const first = settingsOf(prepareUserDir(userDir, LOCAL, [path.join(root, 'none')]).settingsFile);
    assert.deepEqual(first.nodesDir, [projectRoot, path.join(projectRoot, 'dashboard')], 'this package, and the Dashboard 2.0 companion\'s widget entry');
    assert.deepEqual(first.telemetry, { enabled: false, updateNotification: false });
    assert.deepEqual(first.editorTheme, { tours: false, palette: { catalogues: [] } });
    assert.equal(first.uiHost, '127.0.0.1');
    assert.deepEqual(first.contextStorage, { default: { module: 'localfilesystem' } }, 'the default context store (the savepoint catalog\'s) is on disk');
    assert.match(String(first.credentialSecret), /^[0-9a-f]{48}$/);
    const second = settingsOf(prepareUserDir(userDir, LOCAL, [path.join(root, 'none')]).settingsFile);
    assert.equal(second.credentialSecret, first.credentialSecret, 'credentials stay readable across runs');
    assert.equal(existsSync(path.join(userDir, 'flows.json')), false, 'no examples, no flow file');
  });

  it('seeds the flow file on first run and follows the local Flink to its next port', function () {
    const examples = path.join(root, 'examples');
    mkdirSync(examples);
    writeFileSync(path.join(examples, 'jobs.json'), JSON.stringify(example('jobs', { cluster: 'c', list: 'l', debug: 'd' }).nodes));
    const userDir = path.join(root, 'nr');
    const flowsFile = path.join(userDir, 'flows.json');
    const clusterUrls = (): unknown[] => (JSON.parse(readFileSync(flowsFile, 'utf8')) as FlowNode[])
      .filter((n) => n.type === 'flink-cluster').map((n) => [n.url, n.sqlGatewayUrl]);

    const first = { flinkUrl: 'http://127.0.0.1:1111', sqlGatewayUrl: 'http://127.0.0.1:1112' };
    assert.match(prepareUserDir(userDir, first, [examples]).flowsNote, /seeded with 1 example/);
    assert.deepEqual(clusterUrls(), [['http://127.0.0.1:1111', 'http://127.0.0.1:1112']]);
    const note = prepareUserDir(userDir, { flinkUrl: 'http://127.0.0.1:2222', sqlGatewayUrl: 'http://127.0.0.1:2223' }, [examples]).flowsNote;
    assert.match(note, /1 flink-cluster node\(s\) moved from http:\/\/127\.0\.0\.1:1111 \(SQL gateway http:\/\/127\.0\.0\.1:1112\) to http:\/\/127\.0\.0\.1:2222 \(SQL gateway http:\/\/127\.0\.0\.1:2223\)/);
    assert.deepEqual(clusterUrls(), [['http://127.0.0.1:2222', 'http://127.0.0.1:2223']]);
  });
});
