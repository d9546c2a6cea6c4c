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
