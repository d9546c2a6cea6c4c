import { nodeRed5 } from '../package/runtimes';
import { describeDashboard } from './dashboard-suite';

describeDashboard('Node-RED 5 on Node 22', () => nodeRed5());
