import assert from 'node:assert/strict';
import { bindParameters, FlinkError, splitStatements, sqlLiteral } from '../../src';
import { decodeRow, parseResultsJson, typeName } from '../../src/sql/rows';

describe('SQL text: scripts split into statements, parameters bound as literals', function () {
  it('splits at ; outside strings, quoted names and comments, and places each statement in the script', function () {
    const script = [
      '-- the tables',
      'CREATE TABLE t (`a;b` STRING) WITH (\'connector\' = \'datagen\'); /* a ; in a comment */',
      'INSERT INTO s SELECT \'x;y\' FROM t;',
      '  SELECT 1 -- trailing ; comment',
    ].join('\n');
    assert.deepEqual(splitStatements(script), [
      { text: 'CREATE TABLE t (`a;b` STRING) WITH (\'connector\' = \'datagen\')', line: 2, column: 1 },
      { text: 'INSERT INTO s SELECT \'x;y\' FROM t', line: 3, column: 1 },
      { text: 'SELECT 1', line: 4, column: 3 },
    ]);
  });

  it('keeps EXECUTE STATEMENT SET BEGIN ... END; whole, with the ; of its inner statements', function () {
    const set = 'EXECUTE STATEMENT SET BEGIN\nINSERT INTO a SELECT * FROM t;\nINSERT INTO b SELECT * FROM t;\nEND';
    assert.deepEqual(splitStatements(`SET 'x' = 'y';\n${set};\nSELECT 2;`).map((s) => s.text), ['SET \'x\' = \'y\'', set, 'SELECT 2']);
  });

  it('a script of only comments and blanks has no statement', function () {
    assert.deepEqual(splitStatements('  -- nothing\n/* here */ ;  ;\n'), []);
  });

  it('binds each :name as a literal of its type; hostile strings stay one literal', function () {
    const hostile = 'a\'; DROP TABLE t; --';
    assert.equal(
      bindParameters('SELECT * FROM t WHERE name = :name AND n > :n AND ok = :ok AND z IS :z AND c = \':name\'', { name: hostile, n: 3.5, ok: false, z: null }),
      'SELECT * FROM t WHERE name = \'a\'\'; DROP TABLE t; --\' AND n > 3.5 AND ok = FALSE AND z IS NULL AND c = \':name\'',
    );
    assert.equal(bindParameters('SELECT x::INT, `:name`, -- :name\n:name', { name: 'v' }), 'SELECT x::INT, `:name`, -- :name\n\'v\'');
  });

  it('refuses what no literal can say: objects, arrays, NaN, a :name without a value, a bad parameter name', function () {
    for (const [value, pattern] of [[{}, /string, number, boolean or null/], [[1], /an array/], [Number.NaN, /no literal/], [Infinity, /no literal/]] as const) {
      assert.throws(() => sqlLiteral(value, 'p'), (err: FlinkError) => err.code === 'FLINK_INVALID_ARGUMENT' && pattern.test(err.message));
    }
    assert.throws(() => bindParameters('SELECT :a, :b', { a: 1 }), /:b, which the parameters do not have/);
    assert.throws(() => bindParameters('SELECT 1', { 'x); DROP': 1 }), /not a parameter name/);
  });
});

describe('SQL results: rows decoded by their columns\' types', function () {
  it('reads BIGINT and DECIMAL exactly: a number when JavaScript holds it, else its digits', function () {
    const text = '{"data":[{"kind":"UPDATE_AFTER","fields":[9007199254740993,12345678901234567.89,"\\uE0001234567890123456",1.5,[9007199254740993]]}]}';
    const [row] = (parseResultsJson(text) as { data: [{ kind: 'UPDATE_AFTER'; fields: unknown[] }] }).data;
    const column = (type: string, extra = {}) => ({ name: type, type, nullable: true, logicalType: { type, ...extra } });
    const columns = [column('BIGINT'), column('DECIMAL', { precision: 19, scale: 2 }), column('VARCHAR'), column('DOUBLE'),
      column('ARRAY', { elementType: { type: 'BIGINT' } })];
    assert.deepEqual(decodeRow(row, columns), {
      kind: '+U', fields: ['9007199254740993', '12345678901234567.89', '\uE0001234567890123456', 1.5, ['9007199254740993']],
    });
  });

  it('spells types as Flink SQL does', function () {
    assert.equal(typeName({ type: 'VARCHAR', length: 2147483647, nullable: true }), 'STRING');
    assert.equal(typeName({ type: 'DECIMAL', precision: 10, scale: 2, nullable: false }), 'DECIMAL(10, 2) NOT NULL');
    assert.equal(typeName({ type: 'TIMESTAMP_WITHOUT_TIME_ZONE', precision: 3 }), 'TIMESTAMP(3)');
    assert.equal(typeName({ type: 'MAP', keyType: { type: 'CHAR', length: 1 }, valueType: { type: 'INTEGER' } }), 'MAP<CHAR(1), INT>');
    assert.equal(typeName({ type: 'ROW', fields: [{ name: 'a', fieldType: { type: 'INTEGER', nullable: false } }] }), 'ROW<`a` INT NOT NULL>');
  });
});
