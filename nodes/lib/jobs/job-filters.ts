import { JOB_STATES } from '../../../src';
import { invalidArgument } from '../errors';
import type { Messages } from '../messages';
import { checkChoice, malformed } from '../values';

export type NameMatch = 'exact' | 'regex';

/** A test of job names: equal to the filter, or matching it as a regular expression; no filter matches all. */
export function nameMatcher(filter: string | undefined, match: NameMatch | string | undefined, t: Messages): (name: string) => boolean {
  if (match !== undefined && match !== '' && match !== 'exact' && match !== 'regex') {
    throw malformed('The node\'s name match', 'exact or regex', match);
  }
  if (!filter) return () => true;
  if (match !== 'regex') return (name) => name === filter;
  let pattern: RegExp;
  try {
    pattern = new RegExp(filter);
  } catch (err) {
    throw invalidArgument(t('errors.badRegex', { filter, reason: (err as Error).message }));
  }
  return (name) => pattern.test(name);
}

/** Job states from the node's setting: an array or a comma-separated list; empty means any state. */
export function stateList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return items.map((item) => (typeof item === 'string' ? item.trim() : item))
    .filter((item) => item !== '')
    .map((item) => checkChoice('The node\'s job states', item, JOB_STATES));
}

/**
 * A test of a job's (or an application's) state and name by a node's filter settings; throws
 * FLINK_INVALID_ARGUMENT for a setting that cannot work (a bad regex or state).
 */
export function jobSelector(settings: { nameFilter?: string; nameMatch?: string; states?: unknown }, t: Messages): (state: string, name: string) => boolean {
  const states = stateList(settings.states);
  const nameMatches = nameMatcher(settings.nameFilter, settings.nameMatch, t);
  return (state, name) => (states.length === 0 || states.includes(state)) && nameMatches(name);
}
