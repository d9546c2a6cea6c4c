import { defaultLeg } from '../flink/test-cluster';
import { describeRestartWithoutHa } from './jobmanager-restart-suite';

defaultLeg().forEach(describeRestartWithoutHa);
