import type { Node } from 'node-red';
import { isIncident, type Incident } from './incidents';

/** What is kept of a health node: its open incidents, and the cluster config they belong to. */
interface Remembered {
  cluster: string;
  incidents: Incident[];
}

const CONTEXT_KEY = 'openIncidents';

/**
 * The open incidents of the health nodes, kept across redeploys. Node-RED deletes a node's context when the node
 * closes unless a context store is configured (settings.js `contextStorage`), so without one the context alone
 * would forget them at every redeploy: the node type keeps its own copy too, for as long as Node-RED runs.
 */
export class IncidentMemory {
  private readonly inProcess = new Map<string, Remembered>();

  /**
   * The incidents a node had open when it last ran on this cluster config: from its context (which a configured
   * persistent store keeps across restarts of Node-RED), else from this process's copy.
   */
  recall(node: Node, clusterId: string): Incident[] {
    const stored = (node.context().get(CONTEXT_KEY) ?? this.inProcess.get(node.id)) as Partial<Remembered> | undefined;
    if (!stored || stored.cluster !== clusterId || !Array.isArray(stored.incidents)) return [];
    return stored.incidents.filter(isIncident);
  }

  remember(node: Node, clusterId: string, incidents: Incident[]): void {
    const remembered: Remembered = { cluster: clusterId, incidents };
    this.inProcess.set(node.id, remembered);
    node.context().set(CONTEXT_KEY, remembered);
  }

  /** The node is removed from the flows: nothing of it is kept (Node-RED cleans its context itself). */
  forget(node: Node): void {
    this.inProcess.delete(node.id);
  }
}
