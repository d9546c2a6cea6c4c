import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../dev/paths';
import { runEditor } from './editor-sandbox';

const nodeTypes = Object.keys((JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } })['node-red'].nodes);

/** Values a user may type into any field, most of them wrong for a number, a URL or a duration. */
const TYPED = ['', 'x', '-1', '0', '1e9999', 'http://user:pw@host', '${FLINK_URL}', '2147483.648'];

describe('editor validators', function () {
  for (const type of nodeTypes) {
    it(`${type}: a validator that explains a wrong value takes Node-RED's two arguments, so the editor shows the message instead of accepting the value`, function () {
      const definition = runEditor(type).definition;
      assert.ok(definition, `${type} registers`);
      for (const [name, property] of Object.entries(definition.defaults)) {
        const validate = property.validate;
        if (!validate || validate.length === 2) continue;
        for (const value of TYPED) {
          const answer: unknown = validate.call({}, value);
          // Node-RED coerces a one-argument validator's answer to a boolean: a message string would count as valid.
          assert.notEqual(typeof answer, 'string', `${type}.${name}: validate(${JSON.stringify(value)}) returns a message but declares ${validate.length} argument(s)`);
        }
      }
    });

    it(`${type}: a flow saved before one of its optional properties existed opens without a warning (the property is undefined there)`, function () {
      const definition = runEditor(type).definition;
      assert.ok(definition, `${type} registers`);
      const refused = Object.entries(definition.defaults)
        .filter(([, property]) => property.validate && !property.required)
        .filter(([, property]) => property.validate!.call({}, undefined, {}) !== true)
        .map(([name]) => name);
      assert.deepEqual(refused, []);
    });
  }
});

describe('editor validators of the SQL settings', function () {
  /** `validate` of `type`'s `property`, called as Node-RED does (two arguments). */
  const validator = (type: string, property: string) => {
    const validate = runEditor(type).definition?.defaults[property]?.validate;
    assert.ok(validate, `${type}.${property} is validated`);
    return (value: unknown) => validate.call({}, value, {});
  };

  it('flink-sql: the row limit is empty or a whole number from 1 to 1000000, as the runtime takes it', function () {
    const maxRows = validator('flink-sql', 'maxRows');
    for (const ok of ['', ' ', undefined, '1', ' 42 ', 1000, '1000000']) assert.equal(maxRows(ok), true, JSON.stringify(ok));
    for (const bad of ['0', '-1', '1.5', '1000001', '1e3', 'many']) {
      assert.match(String(maxRows(bad)), /flink-sql:flink-sql\.errors\.maxRows$/, JSON.stringify(bad));
    }
  });

  it('flink-sql: the query time limit is empty or seconds above 0 that a timer can hold, explained like a timeout', function () {
    const limit = validator('flink-sql', 'queryTimeLimit');
    for (const ok of ['', undefined, '0.5', 60, '2147483.647']) assert.equal(limit(ok), true, JSON.stringify(ok));
    for (const bad of ['0', '-1', 'soon', '2147483.648']) assert.match(String(limit(bad)), /flink\.errors\.timeout$/, JSON.stringify(bad));
  });

  it('flink-cluster: the SQL Gateway URL is optional, else an http(s) URL without a user or password, or a whole ${ENV_VAR}', function () {
    const url = validator('flink-cluster', 'sqlGatewayUrl');
    for (const ok of ['', ' ', undefined, 'http://localhost:8083', 'https://gateway.example.com/sql', '${SQL_GATEWAY_URL}']) assert.equal(url(ok), true, JSON.stringify(ok));
    for (const bad of ['localhost:8083', 'ftp://host', 'http://user:pw@host:8083']) {
      assert.match(String(url(bad)), /flink-cluster\.errors\.sqlGatewayUrl$/, JSON.stringify(bad));
    }
  });
});
