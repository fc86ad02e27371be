import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../../../shared/datasets/definitions';
import { DECLINE } from '../../../shared/datasets/fields';
import { DATASET_NAMES } from '../../../shared/datasets/names';
import { compileRows, NOT_READ } from '../../../shared/ingest/fast-rows';
import { JsonKind, JsonLineReader } from '../../../shared/ingest/json-line';
import { DayResolver } from '../../../shared/time/days';

/**
 * The NDJSON fast path (json-line.ts) against JSON.parse, its reference: a line it reads is a
 * line JSON.parse reads to a plain object, with the same value for every key it was asked for;
 * and the row read in place is exactly the row of fromObject on JSON.parse's object (which the
 * row tests prove equal to zod's). Lines it does not read are left to JSON.parse.
 */

const context = { resolver: new DayResolver('Asia/Shanghai'), currency: 'CNY' };
const KEYS = ['user_id', 'date', 'score', 'a', 'ab'];

/** JSON values as files hold them, and the odd ones: escapes, nesting, big and tiny numbers. */
const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    'u-1',
    '2026-11-02',
    '2026-11-02T10:00:00+08:00',
    '',
    ' 7 ',
    'a"b',
    'a\\b',
    'tab\there',
    'line\nbreak',
    '\u2028',
    '张三',
    '😀',
    'true',
    '0.5',
  ),
  fc.string({ maxLength: 8 }),
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    0.5,
    0.709,
    1e21,
    1e-7,
    123456789012345,
    // biome-ignore lint/correctness/noPrecisionLoss: a JSON number past 2^53, read as the nearest double on purpose
    1234567890123456789,
    2 ** 53 + 1,
    -3.25,
    5e-324,
    Number.MAX_VALUE,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(true, false, null, {}, [], [1], { a: 1 }),
);

/** Lines as writers produce them: JSON.stringify of flat objects, with spacing variants and repeated keys. */
const jsonLine = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom(...KEYS, 'other', 'user', 'dat', '__proto__', 'us\\u0065r_id'), jsonValue), {
      maxLength: 6,
    }),
    fc.constantFrom('', ' ', '\t', '  '),
    fc.constantFrom('', ' ', '\t'),
  )
  .map(([members, inner, outer]) => {
    const body = members
      .map(
        ([key, value]) =>
          `${key.includes('\\') ? `"${key}"` : JSON.stringify(key)}${inner}:${inner}${JSON.stringify(value)}`,
      )
      .join(`${inner},${inner}`);
    return `${outer}{${inner}${body}${inner}}${outer}`;
  });

/** Near-JSON text: the pieces of lines, in any order (mostly not JSON, sometimes so). */
const nearJson = fc
  .array(
    fc.constantFrom(
      '{',
      '}',
      '"',
      '"user_id"',
      '"date"',
      '"score"',
      ':',
      ',',
      ' ',
      '\t',
      '1',
      '-',
      '0',
      '.',
      'e',
      '+',
      '5',
      'true',
      'fals',
      'false',
      'null',
      'nul',
      '"x"',
      '\\',
      '\\"',
      '[',
      ']',
      '\u0001',
      '\u001f',
      'é',
      '"2026-11-02"',
    ),
    { maxLength: 24 },
  )
  .map((parts) => parts.join(''));

const parsed = (line: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
};

const around = fc.constantFrom('', '{', '"', '}\n', 'x', ' ');

describe('JSON line reader against JSON.parse (property)', () => {
  const check = (line: string, before: string, after: string) => {
    const reader = new JsonLineReader(KEYS);
    const text = `${before}${line}${after}`;
    const read = reader.read(text, before.length, before.length + line.length);
    const reference = parsed(line);
    if (!read) return false;
    expect(reference).toBeDefined();
    KEYS.forEach((key, i) => {
      const has = Object.hasOwn(reference!, key);
      const kind = reader.kinds[i];
      if (!has) {
        expect(kind).toBe(JsonKind.Absent);
        return;
      }
      const value = reference![key];
      if (kind === JsonKind.String) expect(text.slice(reader.starts[i], reader.ends[i])).toBe(value);
      else if (kind === JsonKind.Number) expect(Object.is(reader.numbers[i], value)).toBe(true);
      else
        expect(kind).toBe(
          value === true ? JsonKind.True : value === false ? JsonKind.False : value === null ? JsonKind.Null : -1,
        );
    });
    return true;
  };

  it('reads a line only when JSON.parse reads it to an object, with the same value for every key', () => {
    let read = 0;
    fc.assert(
      fc.property(fc.oneof(jsonLine, nearJson), around, around, (line, before, after) => {
        if (check(line, before, after)) read += 1;
      }),
      { numRuns: 10_000 },
    );
    expect(read).toBeGreaterThan(2000);
  });

  it.each([
    ['{}', true],
    [' {"a":1} ', true],
    ['{"a":01}', false],
    ['{"a":1.}', false],
    ['{"a":.5}', false],
    ['{"a":-}', false],
    ['{"a":1e}', false],
    ['{"a":+1}', false],
    ['{"a":"x\ty"}', false],
    ['{"a":1,}', false],
    ['{,"a":1}', false],
    ['{"a" 1}', false],
    ['{"a":1}}', false],
    ['{"a":tru}', false],
    ['{"a":"\\u0041"}', false],
    ['{"a":[1]}', false],
    ['{"a":1,"a":"two"}', true],
    ['{"a":1e400}', true],
    ['{"a":-0.0}', true],
  ])('%s: read %s', (line, expected) => {
    expect(check(line, '', '')).toBe(expected);
  });
});

describe('NDJSON rows read in place equal fromObject on JSON.parse (property)', () => {
  it.each(DATASET_NAMES)('%s', (name) => {
    const schema = DATASETS[name].rowSchema(context);
    const compiled = compileRows(schema);
    const columns = DATASETS[name].columns.map((c) => c.name);
    const line = fc
      .array(fc.tuple(fc.constantFrom(...columns, 'extra'), jsonValue), { maxLength: columns.length + 2 })
      .map((members) => `{${members.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
    // Mostly valid rows: every column with a typical value.
    const valid = fc
      .tuple(
        ...columns.map(() =>
          fc.constantFrom<unknown>('2026-11-02', '2026-11-02T10:00:00Z', 'u-1', 'live', 'ad', 3, 0.5, '7', true, 'CNY'),
        ),
      )
      .map((values) => JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, values[i]]))));
    // With `keep` (as the ingest compiles it): the same rows without the identifiers nothing reads.
    const kept = compileRows(schema, [], { keep: DATASETS[name].reads });
    const reads: readonly string[] = DATASETS[name].reads;
    const dropped = columns.filter((c) => c.endsWith('_id') && !reads.includes(c));
    fc.assert(
      fc.property(fc.oneof(line, valid, nearJson), (text) => {
        const fast = compiled.fromJsonLine(text, 0, text.length);
        const projected = kept.fromJsonLine(text, 0, text.length);
        if (fast === NOT_READ || fast === DECLINE) expect(projected).toBe(fast);
        else
          expect(projected).toStrictEqual(
            Object.fromEntries(Object.entries(fast).filter(([k]) => !dropped.includes(k))),
          );
        if (fast === NOT_READ) return;
        const object = parsed(text);
        expect(object).toBeDefined();
        const reference = compiled.fromObject(object!);
        if (fast === DECLINE) expect(reference).toBe(DECLINE);
        else expect(fast).toStrictEqual(reference);
      }),
      { numRuns: 2000 },
    );
  });
});
