import type { JobAction } from '../../../nodes/lib/companion/companion-api';
import type { ThresholdSettings } from '../../../nodes/lib/health/thresholds';

/** The columns the table can show, in their order. */
export const COLUMNS = ['name', 'state', 'health', 'uptime', 'parallelism', 'savepoint', 'actions'] as const;
export type Column = (typeof COLUMNS)[number];

/** The actions the widget can offer. */
export const ACTIONS: readonly JobAction[] = ['savepoint', 'stop', 'cancel'];
const DEFAULT_ACTIONS: JobAction[] = ['savepoint', 'stop'];
const DEFAULT_INTERVAL_S = 5;
const MIN_INTERVAL_S = 1;
/**
 * The longest interval a Node.js timer holds (2^31−1 ms; a longer one fires after 1 ms): MAX_TIMER_MS of the main
 * package's nodes/lib/values.ts, which this package cannot import at runtime.
 */
const MAX_INTERVAL_S = (2 ** 31 - 1) / 1000;
const DEFAULT_PAGE_SIZE = 25;
/** The health node's default round interval: a round asks a few REST endpoints per job. */
const DEFAULT_HEALTH_INTERVAL_S = 30;

/** The widget's node settings as the editor saves them. */
export interface WidgetConfig {
  id: string;
  type: string;
  z?: string;
  name?: string;
  label?: string;
  group?: string;
  cluster?: string;
  width?: number | string;
  height?: number | string;
  order?: number;
  nameFilter?: string;
  nameMatch?: string;
  states?: string[] | string;
  actions?: string[] | string;
  columns?: string[] | string;
  /** Seconds between two listings of the cluster's jobs. */
  interval?: number | string;
  pageSize?: number | string;
  /** Seconds between two health rounds of a job; 0 turns the widget's health rounds (and its Health column) off. */
  healthInterval?: number | string;
  /** The health node's thresholds, by its setting names and units (restartCount, restartWindow in minutes, ...). */
  restartCount?: number | string;
  restartWindow?: number | string;
  failedCheckpoints?: number | string;
  staleCheckpoints?: number | string;
  backpressureFor?: number | string;
}

/** The settings the runtime works with, checked. */
export interface WidgetSettings {
  actions: JobAction[];
  columns: Column[];
  intervalMs: number;
  pageSize: number;
  /** null: no health rounds (the health interval 0, or the Health column off). */
  healthIntervalMs: number | null;
  /** For the health rounds, as the health node's settings (checked by the flink-cluster's companion interface). */
  healthThresholds: ThresholdSettings;
}

/** A bad setting: the message names it. */
export class SettingError extends Error {}

/** A setting's value as a message quotes it. */
function quoted(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value) ?? String(value);
}

function list(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(String).map((item) => item.trim()).filter(Boolean);
  if (typeof value === 'string') return value.split(',').map((item) => item.trim()).filter(Boolean);
  return undefined;
}

/** A list setting (an array, or a comma-separated string): not set means the default. */
function choices<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T[]): T[] {
  if (value === undefined) return fallback;
  const items = list(value);
  if (items === undefined) throw new SettingError(`The widget's ${name} setting is ${quoted(value)}: use a list of ${allowed.join(', ')}`);
  for (const item of items) if (!allowed.includes(item as T)) throw new SettingError(`The widget's ${name} setting has "${item}": use ${allowed.join(', ')}`);
  return allowed.filter((item) => items.includes(item));
}

/** A number setting as the editor saves it (a number, or a numeric string); not set or empty means the default. */
function numberSetting(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const number = typeof value === 'number' || typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(number) || number < min || number > max) {
    throw new SettingError(`The widget's ${name} setting is ${quoted(value)}: use a number from ${min} to ${max}`);
  }
  return number;
}

/** Seconds between two listings or health rounds, as milliseconds a timer can hold. */
function intervalSetting(name: string, value: unknown, fallbackS: number): number {
  return numberSetting(name, value, fallbackS, MIN_INTERVAL_S, MAX_INTERVAL_S) * 1000;
}

function pageSizeSetting(value: unknown): number {
  const size = numberSetting('page size', value, DEFAULT_PAGE_SIZE, 1, Number.MAX_SAFE_INTEGER);
  if (!Number.isInteger(size)) throw new SettingError(`The widget's page size setting is ${quoted(value)}: use a whole number of rows`);
  return size;
}

/** The health node's threshold settings, as saved: those set (the others have the node's default). */
function healthThresholds({ restartCount, restartWindow, failedCheckpoints, staleCheckpoints, backpressureFor }: WidgetConfig): ThresholdSettings {
  const thresholds: ThresholdSettings = { restartCount, restartWindow, failedCheckpoints, staleCheckpoints, backpressureFor };
  return Object.fromEntries(Object.entries(thresholds).filter(([, value]) => value !== undefined));
}

function healthInterval(value: unknown): number | null {
  if (value === 0 || value === '0') return null;
  return intervalSetting('health interval', value, DEFAULT_HEALTH_INTERVAL_S);
}

export function widgetSettings(config: WidgetConfig): WidgetSettings {
  const actions = choices('actions', config.actions, ACTIONS, DEFAULT_ACTIONS);
  const columns = choices('columns', config.columns, COLUMNS, [...COLUMNS]);
  const intervalMs = intervalSetting('interval', config.interval, DEFAULT_INTERVAL_S);
  const pageSize = pageSizeSetting(config.pageSize);
  const healthIntervalMs = healthInterval(config.healthInterval);
  return {
    actions, columns, intervalMs, pageSize,
    healthIntervalMs: columns.includes('health') ? healthIntervalMs : null,
    healthThresholds: healthThresholds(config),
  };
}

/**
 * The config Dashboard 2.0 registers for the widget, which it sends whole to every browser as the component's
 * props: only what the browser needs, nothing of the cluster config (not even its id). Dashboard deletes id, type
 * and coordinates from the object it is given, so this is always a fresh one.
 */
export function browserConfig(config: WidgetConfig, settings: WidgetSettings): Record<string, unknown> {
  return {
    id: config.id, type: config.type, ...(config.z ? { z: config.z } : {}),
    name: config.name ?? '', label: config.label ?? '', group: config.group,
    width: config.width, height: config.height, order: config.order ?? 0,
    actions: settings.actions, pageSize: settings.pageSize,
    columns: settings.healthIntervalMs === null ? settings.columns.filter((column) => column !== 'health') : settings.columns,
  };
}
