import { nodeRed4 } from '../package/runtimes';
import { describeDashboard } from './dashboard-suite';

describeDashboard('Node-RED 4.1', async () => nodeRed4(), { readmeScreenshot: true, manyJobs: true });
