import { editorRuntimes } from './editor-runtimes';
import { describeEditor } from './editor-suite';

editorRuntimes().filter((runtime) => runtime.title === 'Node-RED 5 on Node 22').forEach(describeEditor);
