import { shared } from './i18n';
import { select, text } from './own-rows';
import type { Row } from './row';

/** Where a savepoint is written: empty for the cluster's default directory. */
export const savepointDir = (): Row => text('savepointDir', 'folder-open-o', shared);

/** The savepoint's format: empty for Flink's default. */
export const formatType = (): Row => select('formatType', 'file-o', ['', 'CANONICAL', 'NATIVE'], shared);
