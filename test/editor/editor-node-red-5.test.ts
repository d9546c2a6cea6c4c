import { editorRuntimeTitled } from './editor-runtimes';
import { describeEditor } from './editor-suite';

editorRuntimeTitled('Node-RED 5 on Node 22').forEach(describeEditor);
