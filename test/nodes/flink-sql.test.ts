import { defaultLeg } from '../flink/test-cluster';
import { describeFlinkSqlNode } from './flink-sql-suite';

/** The run's default Flink version; the other legs run beside it in flink-sql-other-versions. */
defaultLeg().forEach(describeFlinkSqlNode);
