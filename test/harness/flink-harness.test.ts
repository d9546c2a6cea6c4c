import assert from 'node:assert/strict';
import { testFlink } from '../flink/test-cluster';
import { DEFAULT_FLINK_VERSION } from '../../dev/flink/distribution';

interface JobDetails { jid: string; name: string; state: string; vertices: { status: string }[] }

describe('the real Flink test harness', function () {
  it('brings up Flink with the requested version and a free TaskManager slot', async function () {
    const flink = await testFlink();
    const config = await (await fetch(`${flink.url}/config`)).json() as { 'flink-version': string };
    const wanted = process.env.FLINK_VERSION ?? DEFAULT_FLINK_VERSION;
    assert.ok(config['flink-version'].startsWith(wanted.replace(/\.x$/, '')),
      `cluster reports ${config['flink-version']}, wanted ${wanted}`);
    assert.equal(config['flink-version'], flink.version);
    const overview = await (await fetch(`${flink.url}/overview`)).json() as { taskmanagers: number; 'slots-total': number };
    assert.ok(overview.taskmanagers >= 1);
    assert.ok(overview['slots-total'] >= 1);
  });

  it('runs the fixture job until every vertex is RUNNING', async function () {
    const flink = await testFlink();
    const jobId = await flink.startJob({ name: 'harness-check' });
    assert.match(jobId, /^[0-9a-f]{32}$/);
    const details = await (await fetch(`${flink.url}/jobs/${jobId}`)).json() as JobDetails;
    assert.equal(details.name, 'harness-check');
    assert.equal(details.state, 'RUNNING');
    assert.ok(details.vertices.length > 0);
    for (const vertex of details.vertices) assert.equal(vertex.status, 'RUNNING');
  });
});
