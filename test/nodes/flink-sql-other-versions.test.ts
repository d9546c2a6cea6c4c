import { otherLegs } from '../flink/test-cluster';
import { describeFlinkSqlNode } from './flink-sql-suite';

/** The legs of other Flink versions than the run's default, a file of their own so that they run beside it. */
otherLegs().forEach(describeFlinkSqlNode);
