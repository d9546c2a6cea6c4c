import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fixturesDir } from '../../dev/paths';
import { runEditor } from './editor-sandbox';

interface Definition {
  category: string;
  inputs: number;
  outputs: number;
  defaults: Record<string, { value: unknown; required?: true; type?: string; validated?: true }>;
}

/** What 0.1.0's editor HTML registered for each flow node, read from its registerType calls. */
const released = JSON.parse(readFileSync(path.join(fixturesDir, 'editor-definitions-0.1.0.json'), 'utf8')) as Record<string, Definition>;

describe('flow node editors, against 0.1.0', function () {
  for (const [type, expected] of Object.entries(released)) {
    it(`${type}: the same properties with the same defaults, inputs and outputs, so a flow saved by 0.1.0 opens unchanged`, function () {
      const definition = runEditor(type).definition;
      assert.ok(definition, `${type} registers`);
      const defaults = Object.fromEntries(Object.entries(definition.defaults).map(([name, property]) => [name, {
        value: property.value,
        ...(property.required ? { required: true } : {}),
        ...(property.type ? { type: property.type } : {}),
        ...(property.validate ? { validated: true } : {}),
      }]));
      const releasedDefaults = Object.fromEntries(Object.keys(expected.defaults).map((name) => [name, defaults[name]]));
      assert.deepEqual({ category: definition.category, inputs: definition.inputs, outputs: definition.outputs, defaults: releasedDefaults }, expected);
      // A property added since: a 0.1.0 node lacks it, so the editor gives it its default, which must be valid.
      for (const [name, property] of Object.entries(definition.defaults).filter(([added]) => !(added in expected.defaults))) {
        assert.ok(!property.required || property.value !== '', `${type}.${name}: added as required without a default`);
        assert.equal(property.validate?.(property.value as string) ?? true, true, `${type}.${name}: its default ${JSON.stringify(property.value)} is valid`);
      }
    });
  }
});
