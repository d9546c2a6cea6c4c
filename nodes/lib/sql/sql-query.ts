import type { SqlColumn, SqlQuery, SqlRow } from '../../../src';

/** Why a query's rows ended: the end of its result, the row limit (also for a result of exactly that many rows), or the time limit. */
export type QueryEnd = 'eos' | 'limit' | 'time';

export interface QueryLimits {
  maxRows: number;
  timeLimitMs: number;
  signal: AbortSignal;
}

/** One page of rows as messages carry them: row objects keyed by column name, and each row's change kind. */
export interface RowPage {
  rows: Array<Record<string, unknown>>;
  rowKinds: string[];
}

export interface QueryOutcome {
  ended: QueryEnd;
  rowCount: number;
  columns: Array<{ name: string; type: string }>;
}

function pageOf(rows: SqlRow[], columns: readonly SqlColumn[]): RowPage {
  const names = columns.map((column) => column.name);
  return {
    rows: rows.map((row) => {
      const object: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i += 1) object[names[i]!] = row.fields[i];
      return object;
    }),
    rowKinds: rows.map((row) => row.kind),
  };
}

/**
 * Reads a query's rows page by page into `onPage` until its result ends, the row limit is reached or the time
 * limit passes, then closes it, which cancels its job: a query never runs on by accident.
 */
export async function readQuery(query: SqlQuery, limits: QueryLimits, onPage: (page: RowPage) => void): Promise<QueryOutcome> {
  const deadline = AbortSignal.timeout(limits.timeLimitMs);
  const signal = AbortSignal.any([limits.signal, deadline]);
  let rowCount = 0;
  let ended: QueryEnd = 'eos';
  try {
    for await (const page of query.pages({ signal })) {
      const taken = page.slice(0, limits.maxRows - rowCount);
      rowCount += taken.length;
      onPage(pageOf(taken, query.columns));
      if (rowCount >= limits.maxRows) {
        ended = 'limit';
        break;
      }
    }
  } catch (err) {
    // Whatever the time limit interrupted (a page on its way, the wait for the next) ends the rows, not the message.
    if (!deadline.aborted || limits.signal.aborted) throw err;
    ended = 'time';
  } finally {
    await query.close();
  }
  return { ended, rowCount, columns: query.columns.map(({ name, type }) => ({ name, type })) };
}
