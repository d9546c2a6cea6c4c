/**
 * Prints npm test's test files, longest first: mocha's parallel workers take the files in this order, so the files
 * that wait longest on Flink start at once and the short ones fill the gaps (the run's slowest-files table tells
 * what belongs here). Any file not named runs after them, in path order. nodes/rescale and nodes/autoscale take turns
 * on the adaptive cluster's lease: they stand apart, so that a worker does not sit waiting for the other.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

const LONGEST_FIRST = [
  'client/jobmanager-restart-ha',
  'editor/editor-node-red-5',
  'editor/editor-node-red-4',
  'client/jobmanager-restart',
  'client/jobmanager-restart-other-versions',
  'client/real-flink',
  'client/real-flink-other-versions',
  'harness/npm-start',
  'nodes/rescale',
  'nodes/job-metrics',
  'dashboard/dashboard-node-red-4',
  'nodes/dashboard-widget',
  'dashboard/dashboard-node-red-5',
  'nodes/flink-sql',
  'nodes/flink-sql-other-versions',
  'sql/sql-client',
  'sql/sql-client-other-versions',
  'client/jars-and-rescale',
  'harness/cluster-lifecycle',
  'client/real-trust',
  'nodes/upgrade',
  'nodes/run-job',
  'nodes/examples',
  'nodes/autoscale',
  'nodes/health-incidents',
  'nodes/health-outage',
  'package/tarball',
  'nodes/concurrency',
  'nodes/applications',
  'client/applications',
  'nodes/dashboard-widget-lib',
].map((name) => `${name}.test.js`);

const root = path.join(__dirname, '..');
const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.js'))
  .map((file) => file.split(path.sep).join('/'))
  .sort();
const rank = (file: string): number => {
  const index = LONGEST_FIRST.indexOf(file);
  return index === -1 ? LONGEST_FIRST.length : index;
};
const ordered = [...files].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
console.log(ordered.map((file) => path.relative(process.cwd(), path.join(root, file))).join('\n'));
