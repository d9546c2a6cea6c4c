import { invalidArgument } from '../errors';

/*
 * Flink SQL text as far as the client needs to read it: where one statement of a script ends, and where a
 * `:name` parameter stands. Quoted strings, quoted identifiers and comments are skipped whole, so a `;` or a
 * `:name` inside them is never taken for one.
 */

type TokenKind = 'string' | 'identifier' | 'comment' | 'word' | 'parameter' | 'semicolon' | 'other';

interface Token { kind: TokenKind; start: number; end: number }

const WORD = /[A-Za-z_][\w$]*/y;

function closing(text: string, from: number, quote: string): number {
  for (let i = from; i < text.length; i += 1) {
    if (text[i] !== quote) continue;
    if (text[i + 1] === quote) { i += 1; continue; } // a doubled quote stands for itself
    return i + 1;
  }
  return text.length;
}

function* tokens(text: string): Generator<Token> {
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    const start = i;
    let kind: TokenKind = 'other';
    if (char === '\'' || char === '`' || char === '"') {
      i = closing(text, i + 1, char);
      kind = char === '\'' ? 'string' : 'identifier';
    } else if (char === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
      kind = 'comment';
    } else if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
      kind = 'comment';
    } else if (char === ';') {
      i += 1;
      kind = 'semicolon';
    } else if (char === ':' && text[i - 1] !== ':' && /[A-Za-z_]/.test(text[i + 1] ?? '')) {
      WORD.lastIndex = i + 1;
      WORD.exec(text);
      i = WORD.lastIndex;
      kind = 'parameter';
    } else if (/[A-Za-z_]/.test(char)) {
      WORD.lastIndex = i;
      WORD.exec(text);
      i = WORD.lastIndex;
      kind = 'word';
    } else {
      i += 1;
    }
    yield { kind, start, end: i };
  }
}

export interface ScriptStatement {
  /** The statement's text, without its `;` and the blanks and comments around it. */
  text: string;
  /** Where it starts in the script (1-based), to place Flink's line and column, which count from the statement. */
  line: number;
  column: number;
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/**
 * The statements of a script, in order. A `;` ends one, except inside `EXECUTE STATEMENT SET BEGIN ... END`,
 * whose inner statements end with `;` too.
 */
export function splitStatements(script: string): ScriptStatement[] {
  const statements: ScriptStatement[] = [];
  let first: number | undefined;
  let last = 0;
  let words: string[] = [];
  let inStatementSet = false;
  const finish = (): void => {
    if (first !== undefined) statements.push({ text: script.slice(first, last), ...positionOf(script, first) });
    first = undefined;
    words = [];
    inStatementSet = false;
  };
  for (const token of tokens(script)) {
    if (token.kind === 'comment' || /^\s+$/.test(script.slice(token.start, token.end))) continue;
    if (token.kind === 'semicolon' && !inStatementSet) { finish(); continue; }
    first ??= token.start;
    last = token.end;
    if (token.kind !== 'word') continue;
    const word = script.slice(token.start, token.end).toUpperCase();
    if (words.length < 4) {
      words.push(word);
      inStatementSet = words.join(' ') === 'EXECUTE STATEMENT SET BEGIN';
    } else if (inStatementSet && word === 'END') {
      inStatementSet = false;
    }
  }
  finish();
  return statements;
}

/** A value as a Flink SQL literal, by its JavaScript type; anything else is refused. */
export function sqlLiteral(value: unknown, name: string): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalidArgument(`Parameter ${name} is ${value}, which SQL has no literal for`);
    return String(value);
  }
  if (typeof value === 'string') return `'${value.replaceAll('\'', '\'\'')}'`;
  throw invalidArgument(`Parameter ${name} must be a string, number, boolean or null, not ${Array.isArray(value) ? 'an array' : typeof value}`);
}

/**
 * The statement with each `:name` replaced by its parameter as a SQL literal (never as SQL text). A `:name`
 * without a parameter is refused, and so is a parameter name that is not a plain identifier.
 */
export function bindParameters(statement: string, params: Readonly<Record<string, unknown>>): string {
  for (const name of Object.keys(params)) {
    if (!/^[A-Za-z_][\w$]*$/.test(name)) throw invalidArgument(`"${name}" is not a parameter name: use letters, digits and _`);
  }
  let bound = '';
  let copied = 0;
  for (const token of tokens(statement)) {
    if (token.kind !== 'parameter') continue;
    const name = statement.slice(token.start + 1, token.end);
    if (!Object.hasOwn(params, name)) throw invalidArgument(`The statement uses :${name}, which the parameters do not have`);
    bound += statement.slice(copied, token.start) + sqlLiteral(params[name], name);
    copied = token.end;
  }
  return bound + statement.slice(copied);
}
