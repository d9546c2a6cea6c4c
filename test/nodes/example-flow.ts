import { readFileSync } from 'node:fs';
import path from 'node:path';
import { withExampleJobName } from '../../dev/example-flows';
import { projectRoot } from '../../dev/paths';
import type { FlowNode } from './node-harness';

/* eslint-disable @typescript-eslint/no-require-imports */
/** The core nodes the examples use, as helper.load takes them. */
export const CORE_NODES: unknown[] = [
  require('@node-red/nodes/core/common/20-inject.js'),
  require('@node-red/nodes/core/common/21-debug.js'),
  require('@node-red/nodes/core/common/90-comment.js'),
  require('@node-red/nodes/core/function/10-function.js'),
  require('@node-red/nodes/core/function/10-switch.js'),
  require('@node-red/nodes/core/function/15-change.js'),
  require('@node-red/nodes/core/network/21-httpin.js'),
  require('@node-red/nodes/core/network/21-httprequest.js'),
];
/* eslint-enable @typescript-eslint/no-require-imports */

export const EXAMPLES_DIR = path.join(projectRoot, 'examples');

export type Example = FlowNode[];

/** An example flow as shipped, pointed at the test cluster (and its SQL gateway), with its tab's job name set to `jobName` if given. */
export function example(file: string, url: string, jobName?: string, sqlGatewayUrl?: string): Example {
  const shipped = JSON.parse(readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as Example;
  const flow = jobName === undefined ? shipped : withExampleJobName(shipped, jobName) as Example;
  for (const node of flow) if (node.type === 'flink-cluster') Object.assign(node, { url, ...(sqlGatewayUrl ? { sqlGatewayUrl } : {}) });
  return flow;
}

/** The example's node of that name (and type, if given). */
export function byName(flow: Example, name: string, type?: string): FlowNode {
  const node = flow.find((n) => n.name === name && (type === undefined || n.type === type));
  if (!node) throw new Error(`the example has no ${type ?? 'node'} named "${name}"`);
  return node;
}
