import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { Autoscaler, type Decision, type RescaleRequest } from './lib/autoscale/autoscaler';
import { busySample } from './lib/autoscale/busy-sample';
import { autoscaleRules, type AutoscaleSettings } from './lib/autoscale/rules';
import { realClock } from './lib/clock';
import { errorProperty, toNodeError } from './lib/errors';
import { runtimeMessages } from './lib/messages';

type Settings = NodeDef & AutoscaleSettings;

/** Output 1: what flink-rescale takes (msg.jobId and msg.parallelism for the whole job), with the decision as payload. */
function rescaleMessage(request: RescaleRequest, decision: Decision | undefined): NodeMessage {
  return { topic: `flink/${request.jobName}/autoscale`, jobId: request.jobId, parallelism: request.parallelism, payload: decision } as NodeMessage;
}

function decisionMessage(decision: Decision): NodeMessage {
  return { topic: `flink/${decision.jobName}/autoscale`, jobId: decision.jobId, payload: decision } as NodeMessage;
}

/**
 * flink-autoscale: takes flink-job-metrics messages (one job per message) and decides, per job, when to rescale it
 * (lib/autoscale/autoscaler.ts). Output 1 goes to flink-rescale; output 2 tells every decision, and a hold only
 * when its reason changes. No cluster of its own: the metrics come in, the rescale goes out.
 */
export = function (RED: NodeAPI): void {
  const t = runtimeMessages(RED, 'flink-autoscale');
  const start = (node: Node, def: NodeDef): void => {
    let autoscaler: Autoscaler;
    try {
      autoscaler = new Autoscaler(autoscaleRules(def as Settings), realClock);
    } catch (err) {
      const error = toNodeError(err, (text) => text);
      node.status({ fill: 'red', shape: 'ring', text: error.code });
      node.error(error, { topic: 'flink-autoscale', payload: null });
      node.on('input', (_msg: NodeMessageInFlow, _send: unknown, done: (err?: Error) => void) => done(error));
      return;
    }
    node.status({ fill: 'grey', shape: 'ring', text: t('status.waiting') });

    node.on('input', (msg: NodeMessageInFlow, send: (msgs: Array<NodeMessage | NodeMessage[] | null>) => void, done: (err?: Error) => void) => {
      try {
        const { rescale, decisions } = autoscaler.observe(busySample(msg.payload));
        const acted = decisions.find((decision) => decision.action === 'up' || decision.action === 'down');
        send([rescale ? rescaleMessage(rescale, acted) : null, decisions.map(decisionMessage)]);
        const last = decisions.filter((decision) => decision.action !== 'forgotten').at(-1);
        if (last) {
          const at = last.action === 'rescaled' ? last.parallelism.to : last.parallelism.from;
          const shown = { job: last.jobName, action: last.reason ?? last.action, from: at, to: last.parallelism.to };
          node.status(last.action === 'up' || last.action === 'down'
            ? { fill: 'blue', shape: 'dot', text: t('status.rescale', shown) }
            : { fill: 'green', shape: 'dot', text: t('status.decision', shown) });
        }
        done();
      } catch (err) {
        const error = toNodeError(err, (text) => text);
        (msg as NodeMessage & { error?: unknown }).error = errorProperty(error, node);
        done(error);
      }
    });
    node.on('close', () => autoscaler.clear());
  };
  RED.nodes.registerType('flink-autoscale', function (this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    start(this, def);
  });
};
