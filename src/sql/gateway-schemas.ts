import { z } from 'zod';

/*
 * The SQL Gateway's answers, as its REST API (v3 and v4, `rest_v*_sql_gateway.yml`) documents them and
 * Flink 1.20 and 2.3 send them. Unknown fields are kept, so a newer gateway's additions do not fail.
 */

export const apiVersions = z.object({ versions: z.array(z.string()) });

export const gatewayInfo = z.object({ productName: z.string(), version: z.string() });

export const openSession = z.object({ sessionHandle: z.string().min(1) });

export const operationHandle = z.object({ operationHandle: z.string().min(1) });

export const operationStatus = z.object({ status: z.string() });

/** Heartbeat and session close answer `{}` or a status. */
export const acknowledged = z.object({}).passthrough();

/** A column's type as the gateway serializes Flink's `LogicalType`: its root, nullability and parameters. */
export interface LogicalTypeJson {
  type: string;
  nullable?: boolean;
  length?: number;
  precision?: number;
  scale?: number;
  elementType?: LogicalTypeJson;
  keyType?: LogicalTypeJson;
  valueType?: LogicalTypeJson;
  fields?: Array<{ name: string; fieldType: LogicalTypeJson }>;
}

export const logicalType: z.ZodType<LogicalTypeJson> = z.lazy(() => z.object({
  type: z.string(),
  nullable: z.boolean().optional(),
  length: z.number().optional(),
  precision: z.number().optional(),
  scale: z.number().optional(),
  elementType: logicalType.optional(),
  keyType: logicalType.optional(),
  valueType: logicalType.optional(),
  fields: z.array(z.object({ name: z.string(), fieldType: logicalType })).optional(),
}).passthrough());

export const columnInfo = z.object({ name: z.string(), logicalType, comment: z.string().nullish() });

export const ROW_KINDS = ['INSERT', 'UPDATE_BEFORE', 'UPDATE_AFTER', 'DELETE'] as const;

export const rowData = z.object({ kind: z.enum(ROW_KINDS), fields: z.array(z.unknown()) });

export const fetchResults = z.object({
  resultType: z.enum(['NOT_READY', 'PAYLOAD', 'EOS']),
  /** `isQueryResult` as sent; the spec spells it `queryResult`. */
  isQueryResult: z.boolean().optional(),
  queryResult: z.boolean().optional(),
  jobID: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  resultKind: z.string().optional(),
  results: z.object({ columns: z.array(columnInfo), rowFormat: z.string().optional(), data: z.array(rowData) }).optional(),
  nextResultUri: z.string().optional(),
});

export type FetchResultsAnswer = z.output<typeof fetchResults>;
export type ColumnInfoJson = z.output<typeof columnInfo>;
export type RowDataJson = z.output<typeof rowData>;
