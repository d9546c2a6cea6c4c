import { editorRuntimeTitled } from './editor-runtimes';
import { describeEditor } from './editor-suite';

editorRuntimeTitled('Node-RED 4.1').forEach(describeEditor);
