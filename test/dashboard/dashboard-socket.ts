import { io, type Socket } from 'socket.io-client';

/*
 * A "browser" of a Dashboard 2.0 page as a socket.io client speaking the dashboard's protocol (ui-config,
 * widget-load, msg-input, widget-action): what the ui-flink-jobs component does, without a browser. Used by the
 * widget's runtime tests, npm start's test and the dashboard benchmark.
 */

export type Table = { version: number; updatedAt: number; staleSince: number | null; error: { code: string } | null; rows: Row[] };
export type Row = { jobId: string; name: string; state: string; version: number; busy: string | null; parallelism: number | null;
  incidents: Array<{ kind: string; severity: string; since: number }>; result: Record<string, any> | null; // eslint-disable-line @typescript-eslint/no-explicit-any
  savepoint: { location: string } | null };

/** A browser's connection to the dashboard: the tables it was sent, in order. */
export interface DashboardSocket {
  socket: Socket;
  tables: Table[];
  config: Promise<{ widgets: Record<string, { props: Record<string, unknown> }> }>;
  /** Everything the dashboard sent this browser, as JSON. */
  received: string[];
  /** Called with each table as it arrives (after it is added to `tables`). */
  onTable?: (table: Table) => void;
  close(): void;
}

/**
 * Connects to the dashboard whose ui-base has `dashboardPath` on the Node-RED at `nodeRedUrl` and loads the widget,
 * as the component does on mount: `tables` starts with the stored table, if any.
 */
export async function openDashboardSocket(nodeRedUrl: string, widgetId: string, dashboardPath = '/dashboard'): Promise<DashboardSocket> {
  // The dashboard refuses a connection that opens with a bare websocket: start with polling, as browsers do.
  const socket = io(nodeRedUrl, { path: `${dashboardPath}/socket.io`, transports: ['polling', 'websocket'], forceNew: true, reconnection: false });
  const tables: Table[] = [];
  const received: string[] = [];
  const config = new Promise<Awaited<DashboardSocket['config']>>((resolve) => {
    socket.once('ui-config', (_id: string, ui: Awaited<DashboardSocket['config']>) => resolve(ui));
  });
  const opened: DashboardSocket = { socket, tables, config, received, close: () => socket.close() };
  socket.onAny((event: string, ...args: unknown[]) => { received.push(JSON.stringify([event, ...args])); });
  socket.on(`msg-input:${widgetId}`, (msg: { payload: Table }) => {
    tables.push(msg.payload);
    opened.onTable?.(msg.payload);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const stored = await loadWidget(opened, widgetId);
  if (stored) tables.unshift(stored);
  return opened;
}

/** What the dashboard answers a browser's widget-load (sent on mount and after a reconnect). */
export function loadWidget(browser: DashboardSocket, widgetId: string): Promise<Table | undefined> {
  return new Promise((resolve) => {
    browser.socket.once(`widget-load:${widgetId}`, (msg: { payload?: Table } | undefined) => resolve(msg?.payload));
    browser.socket.emit('widget-load', widgetId);
  });
}

/** The job's row in the newest table the browser got. */
export function latestRow(browser: DashboardSocket, jobId: string): Row | undefined {
  return browser.tables[browser.tables.length - 1]?.rows.find((row) => row.jobId === jobId);
}
