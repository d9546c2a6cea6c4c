import { defaultLeg } from '../flink/test-cluster';
import { describeRealFlink } from './real-flink-suite';

defaultLeg().forEach(describeRealFlink);
