import type { ColumnInfoJson, LogicalTypeJson, RowDataJson } from './gateway-schemas';

/** A row's change, as Flink's changelog and SQL client print it: insert, update before/after, delete. */
export type ChangeKind = '+I' | '-U' | '+U' | '-D';

const CHANGE_KINDS: Record<RowDataJson['kind'], ChangeKind> = { INSERT: '+I', UPDATE_BEFORE: '-U', UPDATE_AFTER: '+U', DELETE: '-D' };

export interface SqlColumn {
  name: string;
  /** Flink's SQL spelling of the column's type: `BIGINT`, `DECIMAL(10, 2) NOT NULL`, `ARRAY<INT>`. */
  type: string;
  nullable: boolean;
  /** The type as the gateway described it. */
  logicalType: LogicalTypeJson;
}

export interface SqlRow {
  kind: ChangeKind;
  /** One value per column, in column order. */
  fields: unknown[];
}

/*
 * The gateway writes BIGINT and DECIMAL values as JSON numbers, which JSON.parse rounds past 2^53. Numbers of 16
 * or more characters are read as their exact text instead, marked; only a column of a numeric type reads the mark,
 * so a string value that happens to start with it stays the string it is.
 */
const EXACT_NUMBER = '\uE000';
const STRING_OR_LONG_NUMBER = /"(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]{15,}/g;

/** JSON.parse, keeping long numbers exact (see `decodeRow`). */
export function parseResultsJson(text: string): unknown {
  if (!/\d{16}/.test(text)) return JSON.parse(text);
  return JSON.parse(text.replace(STRING_OR_LONG_NUMBER, (token) => (token.startsWith('"') ? token : `"${EXACT_NUMBER}${token}"`)));
}

const SQL_NAMES: Record<string, string> = {
  INTEGER: 'INT',
  TIME_WITHOUT_TIME_ZONE: 'TIME',
  TIMESTAMP_WITHOUT_TIME_ZONE: 'TIMESTAMP',
  TIMESTAMP_WITH_TIME_ZONE: 'TIMESTAMP WITH TIME ZONE',
  TIMESTAMP_WITH_LOCAL_TIME_ZONE: 'TIMESTAMP_LTZ',
};
const MAX_LENGTH = 2147483647;

/** Flink's SQL spelling of a logical type. */
export function typeName(type: LogicalTypeJson): string {
  const root = SQL_NAMES[type.type] ?? type.type;
  let name = root;
  if (type.type === 'VARCHAR' && type.length === MAX_LENGTH) name = 'STRING';
  else if (type.length !== undefined) name = `${root}(${type.length})`;
  else if (type.type === 'DECIMAL') name = `DECIMAL(${type.precision ?? 10}, ${type.scale ?? 0})`;
  else if (type.precision !== undefined) name = `${root}(${type.precision})`;
  else if (type.elementType) name = `${root}<${typeName(type.elementType)}>`;
  else if (type.keyType && type.valueType) name = `${root}<${typeName(type.keyType)}, ${typeName(type.valueType)}>`;
  else if (type.fields) name = `${root}<${type.fields.map((field) => `\`${field.name}\` ${typeName(field.fieldType)}`).join(', ')}>`;
  return type.nullable === false ? `${name} NOT NULL` : name;
}

export function columnOf(info: ColumnInfoJson): SqlColumn {
  return { name: info.name, type: typeName(info.logicalType), nullable: info.logicalType.nullable !== false, logicalType: info.logicalType };
}

/** A number JavaScript holds exactly stays a number; a longer BIGINT or DECIMAL is its exact text. */
function exactNumber(text: string): number | string {
  const value = Number(text);
  return String(value) === text ? value : text;
}

const NUMERIC_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL']);

function decodeValue(value: unknown, type: LogicalTypeJson | undefined): unknown {
  if (typeof value === 'string') {
    return value.startsWith(EXACT_NUMBER) && type && NUMERIC_TYPES.has(type.type) ? exactNumber(value.slice(1)) : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => decodeValue(item, type?.elementType));
  const fieldTypes = new Map(type?.fields?.map((field) => [field.name, field.fieldType]));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, decodeValue(item, fieldTypes.get(key) ?? type?.valueType)]));
}

/** A row as the gateway sent it, its long numbers exact and its change kind in Flink's short form. */
export function decodeRow(row: RowDataJson, columns: readonly SqlColumn[]): SqlRow {
  return { kind: CHANGE_KINDS[row.kind], fields: row.fields.map((value, i) => decodeValue(value, columns[i]?.logicalType)) };
}
