import { editorRuntimes } from './editor-runtimes';
import { describeEditor } from './editor-suite';

editorRuntimes().filter((runtime) => runtime.title === 'Node-RED 4.1').forEach(describeEditor);
