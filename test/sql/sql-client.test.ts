import { defaultLeg } from '../flink/test-cluster';
import { describeSqlClient } from './sql-client-suite';

/** The run's default Flink version; the other legs run beside it in sql-client-other-versions. */
defaultLeg().forEach(describeSqlClient);
