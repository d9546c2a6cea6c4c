import { clusterSelector } from './cluster-selector';
import { errorOutput } from './error-output';
import { ownLabels, shared } from './i18n';
import { nameRow } from './name-row';
import type { PropertyDef, Row } from './row';

/** What a flow node's editor holds of its own. */
export interface FlowNodeSpec {
  /** The palette category. Literal in each node's HTML, as the Flow Library's scorecard reads it there. */
  category: string;
  /** Its rows between the cluster selector and the error-output switch, in order. */
  rows: Row[];
  /** The key, under the node's `label`, of its first output's label. */
  output: string;
  /** The keys, under the node's `label`, of its further outputs' labels (before the error output, if any). */
  moreOutputs?: string[];
  /** Offer the cluster selector (default true); false for a node that does not talk to Flink. */
  cluster?: boolean;
  inputs?: 0 | 1;
  /** Offer the switch that sends failures to a second output (default true). */
  errorOutput?: boolean;
  /** Runs after the rows' own preparation when the dialog opens. */
  prepare?(): void;
}

/** The node as Node-RED's label functions see it. */
interface NodeThis {
  _: (key: string, substitutions?: Record<string, unknown>) => string;
  name?: string;
  jobName?: string;
  outputs: number;
}

/** The form's HTML goes into the node's `data-template-name` script, which Node-RED reads each time a dialog opens. */
function fillTemplate(type: string, html: string): void {
  let template = $(`script[data-template-name="${type}"]`);
  if (template.length === 0) template = $('<script type="text/html">').attr('data-template-name', type).appendTo('body');
  template.text(html);
}

/**
 * Registers a flow node: its cluster selector (unless `cluster: false`), its own rows, the error-output switch and its name, in that order.
 * Called as `FlinkEditor.registerType("<type>", { category: "<category>", ... })`, the shape in which the Flow
 * Library's scorecard (node-red-dev) finds a node HTML's types.
 */
export function registerFlowNode(type: string, spec: FlowNodeSpec): void {
  const rows = [...(spec.cluster === false ? [] : [clusterSelector()]), ...spec.rows, ...(spec.errorOutput === false ? [] : [errorOutput()]), nameRow()];
  fillTemplate(type, rows.map((row) => row.html(ownLabels(type))).join('\n'));
  const defaults: Record<string, PropertyDef> = Object.assign({}, ...rows.map((row) => row.defaults));
  const paletteLabel = (node: NodeThis): string => node._(`${type}.paletteLabel`);
  RED.nodes.registerType(type, {
    category: spec.category,
    color: '#E8A0B2',
    icon: 'flink.svg',
    defaults: defaults as never,
    inputs: spec.inputs ?? 1,
    outputs: 1 + (spec.moreOutputs?.length ?? 0),
    outputLabels(this: NodeThis, index: number) {
      const labels = [spec.output, ...(spec.moreOutputs ?? [])];
      return index < labels.length ? this._(`${type}.label.${labels[index]}`) : RED._(shared('label.error'));
    },
    paletteLabel(this: NodeThis) {
      return paletteLabel(this);
    },
    label(this: NodeThis) {
      return this.name || (this.jobName ? RED._(shared('labelNamed'), { type: paletteLabel(this), name: this.jobName }) : paletteLabel(this));
    },
    labelStyle(this: NodeThis) {
      return this.name ? 'node_label_italic' : '';
    },
    oneditprepare() {
      rows.forEach((row) => row.prepare?.());
      spec.prepare?.();
    },
    oneditsave(this: NodeThis) {
      rows.forEach((row) => row.save?.(this));
    },
    oneditcancel() {
      rows.forEach((row) => row.cancel?.());
    },
  } as never);
}
