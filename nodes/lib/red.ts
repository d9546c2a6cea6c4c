/**
 * The slice of Node-RED's runtime API these nodes use, typed here so the package needs no
 * type definitions from Node-RED itself.
 */

export type NodeMessage = Record<string, unknown> & { payload?: unknown; _msgid?: string };

export type SendFunction = (msg: NodeMessage | Array<NodeMessage | null> | null) => void;
export type DoneFunction = (err?: Error) => void;

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export interface NodeDef {
  id: string;
  type: string;
  name?: string;
  z?: string;
  [key: string]: unknown;
}

export interface Node {
  id: string;
  type: string;
  name?: string;
  z?: string;
  credentials?: Record<string, string | undefined>;
  on(event: 'input', listener: (msg: NodeMessage, send: SendFunction, done: DoneFunction) => void): void;
  on(event: 'close', listener: (removed: boolean, done: () => void) => void): void;
  send(msg: NodeMessage | Array<NodeMessage | null> | null): void;
  status(status: NodeStatus): void;
  error(err: unknown, msg?: NodeMessage): void;
  warn(message: unknown): void;
  log(message: unknown): void;
}

export interface NodeAPI {
  nodes: {
    createNode(node: object, def: NodeDef): void;
    getNode(id: string): Node | null;
    getCredentials(id: string): object | undefined;
    registerType(type: string, ctor: (this: Node, def: NodeDef) => void, options?: { credentials?: Record<string, { type: 'text' | 'password' }> }): void;
  };
  util: {
    evaluateNodeProperty(value: unknown, type: string, node: Node, msg: NodeMessage | undefined,
      callback: (err: Error | null, result?: unknown) => void): void;
  };
  _: (key: string, substitutions?: Record<string, unknown>) => string;
}
