import type { Labels } from './i18n';

/**
 * A property in a node's `defaults`; `validate` returns true, or false or a message when the value is wrong. It
 * must declare both parameters: Node-RED shows the message only for a validator that takes two.
 */
/**
 * An optional setting left empty, or missing from a flow saved before the setting existed: the node's default
 * applies, so its validator must accept it.
 */
export const isUnset = (value: unknown): boolean => value === undefined || value === null || String(value).trim() === '';

export interface PropertyDef {
  value: unknown;
  required?: boolean;
  type?: string;
  validate?: (value: string, options: unknown) => boolean | string;
}

/** The node being edited, as a row's `save` sees it. */
export interface EditedNode { outputs: number }

/** One concept of a node's form: the properties it edits, its HTML, and what it does when the dialog opens and saves. */
export interface Row {
  defaults: Record<string, PropertyDef>;
  /** The row's HTML; `own` gives the keys of the labels in the node's own catalog. */
  html(own: Labels): string;
  prepare?(): void;
  save?(node: EditedNode): void;
  /** Runs when the dialog closes without saving (e.g. to release what `prepare` created). */
  cancel?(): void;
}
