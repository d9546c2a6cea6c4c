declare module 'node-red-node-test-helper' {
  import type { EventEmitter } from 'node:events';

  interface TestNode extends EventEmitter {
    id: string;
    type: string;
    receive(msg?: Record<string, unknown>): void;
    context(): { flow: { set(key: string, value: unknown): void }; global: { set(key: string, value: unknown): void } };
    [key: string]: unknown;
  }

  interface NodeTestHelper {
    init(runtimePath: string, userSettings?: Record<string, unknown>): void;
    load(nodes: unknown[], flow: object[], credentials?: Record<string, object>): Promise<void>;
    setFlows(flow: object[], type?: 'full' | 'flows' | 'nodes', credentials?: Record<string, object>): Promise<void>;
    unload(): Promise<void>;
    getNode(id: string): TestNode | null;
    startServer(): Promise<void>;
    /** The started server's address, e.g. http://127.0.0.1:<port>. */
    url(): string;
    stopServer(): Promise<void>;
    settings(userSettings: Record<string, unknown>): Record<string, unknown>;
    log(): { args: unknown[][] } & { getCalls(): Array<{ args: unknown[] }> };
    _redNodes: { getFlows(): { flows: object[] } };
  }

  const helper: NodeTestHelper;
  export = helper;
}
