import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { fixturesDir } from '../../dev/paths';

/** A request as it went over the wire: what the spec is asked to allow. */
export interface SentRequest {
  method: string;
  /** Path and query, below any base path. */
  url: string;
  /** Parsed JSON body, if the request had one. */
  body?: unknown;
}

interface Schema { $ref?: string; type?: string; pattern?: string; properties?: Record<string, Schema>; enum?: string[]; items?: Schema }
interface Parameter { name: string; in: 'path' | 'query'; schema?: Schema }
export interface SpecOperation { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }
interface Spec { paths: Record<string, Record<string, SpecOperation>>; components: { schemas: Record<string, Schema> } }

/** The JobManager's spec per Flink line, and the SQL Gateway's per REST API version. */
const SPEC_FILES: Record<string, string> = {
  '1.20': 'rest_v1_dispatcher-1.20.yml', '2.0': 'rest_v1_dispatcher-2.0.yml', '2.3': 'rest_v1_dispatcher-2.3.yml',
  'sql-gateway-v3': 'rest_v3_sql_gateway.yml', 'sql-gateway-v4': 'rest_v4_sql_gateway.yml',
};
const loaded = new Map<string, Spec>();

/** The Flink lines whose spec the project checks against, oldest first. */
export const SPEC_LINES = ['1.20', '2.0', '2.3'] as const;

/** The SQL Gateway REST API versions whose spec the project checks against: the highest of 1.20 (V3) and of 2.x (V4). */
export const GATEWAY_API_VERSIONS = ['v3', 'v4'] as const;
export type GatewayApiVersion = typeof GATEWAY_API_VERSIONS[number];

/** The spec of the line a Flink version belongs to: 2.3 for 2.1+, 2.0 for 2.0.x, 1.20 for 1.x. */
export function specLineFor(flinkVersion: string): string {
  const [major = 0, minor = 0] = flinkVersion.split('.').map(Number);
  if (major >= 2) return minor >= 1 ? '2.3' : '2.0';
  return '1.20';
}

function loadSpec(name: string): Spec {
  let spec = loaded.get(name);
  if (!spec) {
    spec = parse(readFileSync(path.join(fixturesDir, 'flink-rest', SPEC_FILES[name]!), 'utf8')) as Spec;
    loaded.set(name, spec);
  }
  return spec;
}

const gatewaySpec = (apiVersion: GatewayApiVersion): string => `sql-gateway-${apiVersion}`;

function resolve(spec: Spec, schema: Schema | undefined): Schema | undefined {
  let current = schema;
  while (current?.$ref) current = spec.components.schemas[current.$ref.replace('#/components/schemas/', '')];
  return current;
}

function matchPath(template: string, actual: string): Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = template.replace(/\{(\w+)\}/g, (_, name: string) => { names.push(name); return '([^/]+)'; });
  const match = new RegExp(`^${pattern}$`).exec(actual);
  if (!match) return undefined;
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
}

function checkValue(spec: Spec, schema: Schema | undefined, value: unknown, where: string, problems: string[]): void {
  const resolved = resolve(spec, schema);
  if (!resolved) return;
  if (resolved.enum && !resolved.enum.includes(String(value))) problems.push(`${where}: "${String(value)}" is not one of ${resolved.enum.join(', ')}`);
  if (resolved.properties && value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) {
      if (!(key in resolved.properties)) problems.push(`${where}: field "${key}" is not in the spec`);
      else checkValue(spec, resolved.properties[key], inner, `${where}.${key}`, problems);
    }
  }
}

/** What the Flink REST spec of that version does not allow in this request; empty when it is fine. */
export function specViolations(flinkVersion: string, request: SentRequest): string[] {
  const url = new URL(request.url, 'http://flink');
  return violations(loadSpec(specLineFor(flinkVersion)), url, url.pathname.replace(/^\/v1(?=\/)/, ''), request);
}

/**
 * What the SQL Gateway's spec of that REST API version (`v3` on 1.20, `v4` on 2.x) does not allow in this request;
 * empty when it is fine. A path under another version's prefix (`/v2/...` checked against v3) is a violation too.
 */
export function gatewaySpecViolations(apiVersion: GatewayApiVersion, request: SentRequest): string[] {
  const url = new URL(request.url, 'http://gateway');
  const prefix = /^\/(v\d+)(?=\/)/.exec(url.pathname)?.[1];
  if (prefix && prefix !== apiVersion) return [`${request.method} ${request.url}: sent to /${prefix}, checked against the ${apiVersion} spec`];
  return violations(loadSpec(gatewaySpec(apiVersion)), url, url.pathname.replace(/^\/v\d+(?=\/)/, ''), request);
}

function violations(spec: Spec, url: URL, pathname: string, request: SentRequest): string[] {
  const method = request.method.toLowerCase();
  const candidates = Object.entries(spec.paths)
    .map(([template, operations]) => ({ template, operations, params: matchPath(template, pathname) }))
    .filter((c) => c.params !== undefined)
    // "/jobs/overview" also matches "/jobs/{jobid}": the template with fewer parameters is the real one.
    .sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  const where = `${request.method} ${request.url}`;
  const found = candidates.find((c) => c.operations[method]);
  if (!found) return [candidates.length ? `${where}: method not allowed by the spec` : `${where}: no such path in the spec`];
  const operation = found.operations[method]!;
  const problems: string[] = [];
  const parameters = operation.parameters ?? [];
  for (const [name, value] of Object.entries(found.params!)) {
    const param = parameters.find((p) => p.in === 'path' && p.name === name);
    const pattern = resolve(spec, param?.schema)?.pattern;
    if (!param) problems.push(`${where}: path parameter ${name} is not declared`);
    else if (pattern && !new RegExp(`^${pattern}$`).test(value)) problems.push(`${where}: path parameter ${name}="${value}" does not match ${pattern}`);
  }
  for (const [name, value] of url.searchParams) {
    const param = parameters.find((p) => p.in === 'query' && p.name === name);
    if (!param) problems.push(`${where}: query parameter "${name}" is not in the spec`);
    // Flink's query parameters are lists (`MessageQueryParameter`), sent comma-separated; its spec types one element.
    else for (const element of value.split(',')) checkValue(spec, param.schema, element, `${where} ?${name}`, problems);
  }
  if (request.body !== undefined) {
    const schema = operation.requestBody?.content?.['application/json']?.schema;
    if (!schema) problems.push(`${where}: the spec takes no JSON body here`);
    else checkValue(spec, schema, request.body, `${where} body`, problems);
  }
  return problems;
}

/** The spec's operation for a method on a path template written as the spec writes it (`/jobs/{jobid}`), if any. */
export function specOperation(line: string, method: string, template: string): SpecOperation | undefined {
  return loadSpec(line).paths[template]?.[method.toLowerCase()];
}

/** The SQL Gateway spec's operation, on a template without the version prefix (`/sessions/{session_handle}`), if any. */
export function gatewaySpecOperation(apiVersion: GatewayApiVersion, method: string, template: string): SpecOperation | undefined {
  return specOperation(gatewaySpec(apiVersion), method, template);
}
