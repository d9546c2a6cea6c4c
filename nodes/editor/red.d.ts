// The editor's globals: Node-RED's `RED` (jQuery's `$` comes from @types/jquery).
import type { RED as EditorRED } from '@node-red/editor-client';

declare global {
  const RED: EditorRED;
}
