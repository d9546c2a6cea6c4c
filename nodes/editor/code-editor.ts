// A multi-line setting edited in Node-RED's code editor (ace or monaco, whichever the editor runs), with syntax
// highlighting: SQL statements, for example. Labelled from the node's own catalog: `label.<property>`.
import type { Row } from './row';

type CodeEditor = ReturnType<typeof RED.editor.createEditor>;

/**
 * The code editor for `property` in `mode` (an ace mode such as `ace/mode/sql`, which Node-RED maps to monaco's
 * language too), `height` pixels high. The value lives in a hidden input that Node-RED fills when the dialog opens
 * and reads when it saves; the editor is created on open and destroyed when the dialog closes, saved or not.
 */
export const codeEditor = (property: string, mode: string, icon = 'file-code-o', height = 200): Row => {
  const input = `node-input-${property}`;
  let editor: CodeEditor | undefined;
  const release = (): void => {
    editor?.destroy();
    editor = undefined;
  };
  return {
    defaults: { [property]: { value: '' } },
    html: (own) => `<div class="form-row flink-row-${property}" style="margin-bottom:0;">`
      + `<label for="${input}-editor" style="width:auto;"><i class="fa fa-${icon}"></i> <span data-i18n="${own(`label.${property}`)}"></span></label>`
      + `<input type="hidden" id="${input}"></div>`
      + `<div class="form-row node-text-editor-row flink-row-${property}-editor">`
      + `<div class="node-text-editor" id="${input}-editor" style="height:${height}px; min-height:60px;"></div></div>`,
    prepare() {
      release();
      editor = RED.editor.createEditor({ id: `${input}-editor`, mode, value: String($(`#${input}`).val() ?? '') });
    },
    save() {
      if (editor) $(`#${input}`).val(editor.getValue());
      release();
    },
    cancel: release,
  };
};
