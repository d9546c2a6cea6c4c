import assert from 'node:assert/strict';
import { decodeJavaValue } from '../../src/java-values';

describe('decoding Java-serialized accumulator values', function () {
  it('reads a serialized java.lang.String', function () {
    const serialized = Buffer.concat([Buffer.from('aced0005740005', 'hex'), Buffer.from('hello')]).toString('base64');
    assert.equal(decodeJavaValue(serialized), 'hello');
  });

  it('leaves what it cannot read as Flink sent it', function () {
    const notJava = Buffer.from('just bytes').toString('base64');
    assert.equal(decodeJavaValue(notJava), notJava);
    assert.equal(decodeJavaValue(42), 42);
  });
});
