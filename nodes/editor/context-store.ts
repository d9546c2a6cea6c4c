import { clusterText } from './cluster-probe';

interface ContextStores { default?: string; stores?: string[] }

/**
 * Fills the cluster dialog's context store choice: Node-RED's default store first, then every store its
 * settings list. A saved choice that the settings no longer have stays selectable, marked, so opening the
 * dialog does not silently move the records elsewhere.
 */
export function contextStoreSelect(select: JQuery, current: string | undefined): void {
  const context = (RED.settings as unknown as { context?: ContextStores }).context ?? {};
  const stores = context.stores ?? [];
  select.empty().append($('<option/>').val('').text(clusterText('stateStore.default', { store: context.default ?? 'memory' })));
  for (const store of stores) select.append($('<option/>').val(store).text(store));
  if (current && !stores.includes(current)) {
    select.append($('<option/>').val(current).text(clusterText('stateStore.missing', { store: current })));
  }
  select.val(current ?? '');
}
