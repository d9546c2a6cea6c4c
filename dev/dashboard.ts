import { dashboardPagesWith, type FlowNode } from './example-flows';

/** Dashboard 2.0's module, as `npm start`'s Node-RED loads it from this repository's node_modules. */
export const DASHBOARD_MODULE = '@flowfuse/node-red-dashboard';
/** The companion's widget (dashboard/). */
export const JOBS_WIDGET = 'ui-flink-jobs';

/**
 * The banner's lines for the running Node-RED's dashboard pages with the jobs widget (the Ops dashboard example's
 * /dashboard/ops), asked of its admin API: what it deployed, and which Dashboard 2.0 it loaded.
 */
export async function dashboardBanner(editorUrl: string): Promise<string[]> {
  const ask = (route: string): Promise<Response> =>
    fetch(`${editorUrl}${route}`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
  const dashboard = await ask(`nodes/${DASHBOARD_MODULE}`);
  if (!dashboard.ok) return [`  Dashboard 2.0:    not loaded (${DASHBOARD_MODULE}: ${dashboard.status}); run npm install`];
  const { version } = await dashboard.json() as { version: string };
  const pages = dashboardPagesWith(await (await ask('flows')).json() as FlowNode[], JOBS_WIDGET);
  if (pages.length === 0) return [`  Ops dashboard:    none (no ${JOBS_WIDGET} on a dashboard page; Import > Examples > @flink-ops/node-red-dashboard-2-flink)`];
  return pages.map((page) => `  Ops dashboard:    ${new URL(page.slice(1), editorUrl).href}  (Dashboard 2.0 ${version})`);
}
