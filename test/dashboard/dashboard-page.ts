import type { Page } from 'playwright-core';

/*
 * The Dashboard 2.0 page the widget's tests, the packed-tarball suites, the README's picture and the benchmark
 * deploy, and what a browser logs on it. Apart from dashboard-runtime.ts so that the packed suites, which test the
 * installed tarballs, load none of this repository's node modules.
 */

/** The theme of the packed suites and the README's picture: white groups on a light grey page. */
export const LIGHT_THEME = { surface: '#ffffff', primary: '#0094CE', bgPage: '#eeeeee', groupBg: '#ffffff', groupOutline: '#cccccc' };

/** How the page looks: the theme's colours (none: Dashboard's defaults) and the group's title. */
export interface DashboardLook {
  colors?: Record<string, string>;
  groupName?: string;
}

/**
 * Dashboard 2.0's nodes for one page, their ids starting with `prefix`: ui-base at /dashboard (with client data, so
 * that an action carries its connection), a theme, the page /ops and one group, which holds `widgets` (ui-flink-jobs
 * nodes, in the order given).
 */
export function dashboardFlow(prefix: string, widgets: Array<Record<string, unknown>>, look: DashboardLook = {}): Array<Record<string, unknown>> {
  return [
    { id: `${prefix}base`, type: 'ui-base', name: 'Ops', path: '/dashboard', includeClientData: true },
    { id: `${prefix}theme`, type: 'ui-theme', name: 'Default Theme', colors: look.colors ?? {}, sizes: {} },
    { id: `${prefix}page`, type: 'ui-page', name: 'Ops', ui: `${prefix}base`, path: '/ops', layout: 'grid', theme: `${prefix}theme`, order: 1 },
    { id: `${prefix}group`, type: 'ui-group', name: look.groupName ?? 'Jobs', page: `${prefix}page`, width: '12', height: '1', order: 1 },
    ...widgets.map((widget) => ({ type: 'ui-flink-jobs', group: `${prefix}group`, ...widget })),
  ];
}

/** The console errors and uncaught errors of `page` from now on. */
export function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  return errors;
}
