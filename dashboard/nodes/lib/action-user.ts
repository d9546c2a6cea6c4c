import type { NodeAPI } from 'node-red';

/** What the widget needs of Dashboard 2.0's ui-base node. */
export interface DashboardBase {
  /** ui-base's `includeClientData`: whether actions get `msg._client` (the socket, and the user an auth add-on adds). */
  includeClientData?: boolean;
  uiShared?: { connections?: Record<string, unknown> } | null;
  emit(event: string, msg: object, node: object): void;
  stores: { data: { save(base: DashboardBase, node: object, msg: object): void } };
}

interface DashboardPlugin {
  hooks?: { onAddConnectionCredentials?: (conn: unknown, msg: Record<string, unknown>) => Record<string, unknown> | undefined };
}

/**
 * The user behind an action, as the dashboard's auth add-ons give it (msg._client.user), taken from the
 * connection the action came on, never from the browser's message: ui-base sets msg._client.socketId itself
 * (over what the browser sent) when it includes client data; the add-ons' hooks then run again on a fresh message
 * for that connection. null when there is no client data, no connection or no add-on that names a user.
 */
export function actionUser(RED: NodeAPI, base: DashboardBase, msg: Record<string, unknown>): unknown {
  if (!base.includeClientData) return null;
  const client = msg._client as { socketId?: unknown } | undefined;
  const socketId = typeof client?.socketId === 'string' ? client.socketId : undefined;
  const conn = socketId ? base.uiShared?.connections?.[socketId] : undefined;
  if (!conn) return null;
  const plugins = (RED as unknown as { plugins: { getByType(type: string): DashboardPlugin[] } }).plugins.getByType('node-red-dashboard-2');
  let probe: Record<string, unknown> = { _client: {} };
  for (const plugin of plugins) {
    const hook = plugin.hooks?.onAddConnectionCredentials;
    if (!hook) continue;
    try {
      probe = hook(conn, probe) ?? probe;
    } catch {
      // An add-on that fails names no user.
    }
  }
  const user = (probe._client as { user?: unknown } | undefined)?.user;
  return user === undefined ? null : JSON.parse(JSON.stringify(user)) as unknown;
}
