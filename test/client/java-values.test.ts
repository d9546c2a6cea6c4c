import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeJavaValue } from '../../src/java-values';
import { fixturesDir } from '../../dev/paths';

/** Bytes captured from real Flink and from Flink's own serialization; see the file's "about". */
const captured = JSON.parse(readFileSync(path.join(fixturesDir, 'accumulator-results.json'), 'utf8')) as Record<string, Record<string, string>>;

describe('decoding Java-serialized accumulator values', function () {
  for (const version of ['2.3.0', '1.20.5']) {
    describe(`BoundedCountersJob's results from Flink ${version}`, function () {
      const results = captured[version]!;

      it('decodes IntCounter, LongCounter and DoubleCounter results to the exact totals for N = 1000', function () {
        assert.equal(decodeJavaValue(results.records), 1000);
        assert.equal(decodeJavaValue(results.sum), 500_500);
        assert.equal(decodeJavaValue(results.halves), 250_250);
      });

      it('decodes a String result', function () {
        assert.equal(decodeJavaValue(results.label), 'counted 1000');
      });

      it('reports a result Flink could not serialize as that failure, with its class and message', function () {
        assert.deepEqual(decodeJavaValue(results.unserializable), { failure: { class: 'java.io.NotSerializableException', message: 'java.lang.Object' } });
      });

      it('marks a value of a job\'s own class as undecodable, naming the class', function () {
        assert.deepEqual(decodeJavaValue(results.point), {
          undecodable: true, javaClass: 'BoundedCountersJob$Point', reason: 'not one of the value types this client decodes',
        });
      });
    });
  }

  describe('other value types, serialized by Flink 2.3.0\'s OptionalFailure on Java 17', function () {
    const java = captured.java!;
    const decodes: Array<[string, unknown]> = [
      ['negativeLong', -42], ['float', 1.5], ['short', -3], ['byte', 7], ['boolean', true], ['character', 'x'],
      ['null', null], ['emptyString', ''], ['average', 1.5],
      ['modifiedUtf8', 'nul\u0000 é ∑ \u{1F600}'],
      ['listAccumulator', [1, 1, 3]], ['mixedList', ['a', 2, 2.5, null, true]],
      ['histogram', { 1: 2, 5: 1 }], ['hashMapIntKeys', { 3: 4 }],
    ];
    for (const [name, expected] of decodes) {
      it(`decodes ${name} to ${JSON.stringify(expected)}`, function () {
        assert.deepEqual(decodeJavaValue(java[name]), expected);
      });
    }

    it('gives a Long beyond 2^53 as its exact digits, not a rounded number', function () {
      assert.equal(decodeJavaValue(java.longBeyondDoublePrecision), String(2n ** 60n + 1n));
    });

    it('takes a SerializedThrowable\'s original class and message', function () {
      assert.deepEqual(decodeJavaValue(java.failureWithSerializedThrowable), { failure: { class: 'java.lang.IllegalStateException', message: 'boom' } });
      assert.deepEqual(decodeJavaValue(java.failureWithoutMessage), {
        failure: { class: 'java.lang.UnsupportedOperationException', message: 'java.lang.UnsupportedOperationException' },
      });
    });

    const undecodable: Array<[string, string]> = [
      ['nestedList', 'java.util.ArrayList'], ['hashMapTextKeys', 'java.util.HashMap'], ['longArray', '[J'],
      ['enum', 'Capture$Color'], ['externalizableBlockData', 'Capture$Ext'], ['externalizableProtocol1', 'Capture$Ext'],
      ['date', 'java.util.Date'],
    ];
    for (const [name, javaClass] of undecodable) {
      it(`marks ${name} as undecodable (${javaClass})`, function () {
        const value = decodeJavaValue(java[name]) as { undecodable?: boolean; javaClass?: string; reason?: string };
        assert.equal(value.undecodable, true);
        assert.equal(value.javaClass, javaClass);
        assert.ok(value.reason);
      });
    }
  });

  describe('bytes that are not a whole serialized value', function () {
    const sum = Buffer.from(captured['2.3.0']!.sum!, 'base64');

    it('marks every truncation of a real result as undecodable, never a wrong number or the raw text', function () {
      for (let length = 0; length < sum.length; length++) {
        const value = decodeJavaValue(sum.subarray(0, length).toString('base64')) as { undecodable?: boolean; reason?: string };
        assert.equal(value.undecodable, true, `${length} bytes`);
        assert.equal(typeof value.reason, 'string');
      }
    });

    it('refuses trailing bytes, other streams and non-text input', function () {
      const trailing = Buffer.concat([sum, Buffer.from([0x70])]).toString('base64');
      assert.deepEqual(decodeJavaValue(trailing), { undecodable: true, reason: 'unexpected bytes after the serialized object' });
      assert.deepEqual(decodeJavaValue(Buffer.from('just bytes').toString('base64')), { undecodable: true, reason: 'not a Java serialization stream' });
      assert.deepEqual(decodeJavaValue(42), { undecodable: true, reason: 'expected base64 text, got number' });
    });

    it('stops at a deliberately deep nesting instead of overflowing the stack', function () {
      // Object[] holding an Object[] holding ... 10,000 deep; every level after the first refers back to the class.
      const className = Buffer.from('[Ljava.lang.Object;');
      const first = Buffer.concat([Buffer.from([0x75, 0x72, 0, className.length]), className, Buffer.alloc(8), Buffer.from([0x02, 0, 0, 0x78, 0x70, 0, 0, 0, 1])]);
      const next = Buffer.from([0x75, 0x71, 0x00, 0x7e, 0x00, 0x00, 0, 0, 0, 1]);
      const stream = Buffer.concat([Buffer.from('aced0005', 'hex'), first, ...Array.from({ length: 10_000 }, () => next), Buffer.from([0x70])]);
      assert.deepEqual(decodeJavaValue(stream.toString('base64')), { undecodable: true, reason: 'values nested too deeply' });
    });

    it('refuses a count larger than the stream before allocating for it', function () {
      const className = Buffer.from('[J');
      const huge = Buffer.concat([Buffer.from('aced0005', 'hex'), Buffer.from([0x75, 0x72, 0, className.length]), className, Buffer.alloc(8),
        Buffer.from([0x02, 0, 0, 0x78, 0x70, 0x7f, 0xff, 0xff, 0xff])]);
      assert.deepEqual(decodeJavaValue(huge.toString('base64')), { undecodable: true, reason: 'count 2147483647 exceeds the stream' });
    });
  });
});
