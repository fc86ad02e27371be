import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import {
  boolean,
  decimal,
  identifier,
  integer,
  oneOf,
  optional,
  required,
  timestamp,
} from '../../../shared/datasets/fields';
import { DayResolver } from '../../../shared/time/days';

const messagesOf = (result: { success: boolean; error?: z.ZodError }) =>
  (result.error?.issues ?? []).map((i) => i.message);

describe('decimal', () => {
  it.each([
    ['0', 0],
    ['-0', -0],
    ['12', 12],
    ['12.50', 12.5],
    ['1.', 1],
    ['.5', 0.5],
    ['  3.25  ', 3.25],
    ['-4.5', -4.5],
    ['000123.4', 123.4],
  ])('reads the text %j as %d', (text, expected) => {
    // Prepare
    const schema = decimal();
    // Act
    const result = schema.safeParse(text);
    // Assess
    expect(result.success).toBe(true);
    expect(result.data).toBe(expected);
  });

  it.each([0, 1.25, -7, Number.MAX_VALUE])('passes the JSON number %d through', (n) => {
    // Prepare
    const schema = decimal();
    // Act
    const result = schema.safeParse(n);
    // Assess
    expect(result.data).toBe(n);
  });

  it.each([
    '1e309',
    '1e3',
    '1E3',
    'NaN',
    'Infinity',
    '-Infinity',
    '0x10',
    '0b1',
    '+1',
    '1,000',
    '1,5',
    '1_000',
    '1 000',
    '..5',
    '.',
    '-',
    '',
    '   ',
    'abc',
    '12abc',
    '9'.repeat(400), // plain digits, but not finite as a double
  ])('refuses the text %j', (text) => {
    // Prepare
    const schema = decimal();
    // Act
    const result = schema.safeParse(text);
    // Assess
    expect(result.success).toBe(false);
    expect(messagesOf(result)).toEqual(['expected a number']);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, true, null, undefined, {}, [], [1]])(
    'refuses the non-text value %j',
    (value) => {
      // Prepare
      const schema = decimal();
      // Act
      const result = schema.safeParse(value);
      // Assess
      expect(result.success).toBe(false);
    },
  );

  it('applies bounds inclusively and names them in the message', () => {
    // Prepare
    const bounded = decimal({ min: 0, max: 1 });
    const atLeast = decimal({ min: 0 });
    // Act
    const results = ['0', '1', '1.0000001', '-0.0000001'].map((v) => bounded.safeParse(v));
    const negative = atLeast.safeParse('-1');
    // Assess
    expect(results.map((r) => r.success)).toEqual([true, true, false, false]);
    expect(messagesOf(results[2]!)).toEqual(['expected a number from 0 to 1']);
    expect(messagesOf(negative)).toEqual(['expected a number >= 0']);
  });
});

describe('integer', () => {
  it.each([
    ['0', 0],
    ['007', 7],
    [' 42 ', 42],
    ['-3', -3],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('reads the text %j as %d', (text, expected) => {
    // Prepare
    const schema = integer();
    // Act
    const result = schema.safeParse(text);
    // Assess
    expect(result.data).toBe(expected);
  });

  it.each(['1.5', '1.0', '1e3', '9007199254740992', '99999999999999999999', '0x10', 'NaN', '', ' '])(
    'refuses the text %j',
    (text) => {
      // Prepare
      const schema = integer({ min: 0 });
      // Act
      const result = schema.safeParse(text);
      // Assess
      expect(result.success).toBe(false);
      expect(messagesOf(result)).toEqual(['expected a whole number >= 0']);
    },
  );

  it('accepts whole JSON numbers and refuses fractional or unsafe ones', () => {
    // Prepare
    const schema = integer({ min: 1, max: 5 });
    // Act
    const results = [1, 5, 3.0, 2.5, 0, 6, 2 ** 53].map((n) => schema.safeParse(n).success);
    // Assess
    expect(results).toEqual([true, true, true, false, false, false, false]);
    expect(messagesOf(schema.safeParse(6))).toEqual(['expected a whole number from 1 to 5']);
  });
});

describe('identifier, boolean and oneOf', () => {
  it('trims identifiers and reads JSON numbers as text', () => {
    // Prepare
    const schema = identifier();
    // Act
    const values = ['  u-1 ', 42, 0].map((v) => schema.parse(v));
    // Assess
    expect(values).toEqual(['u-1', '42', '0']);
  });

  it.each(['', '   ', null, true, Number.NaN, {}])('refuses the identifier %j', (value) => {
    // Prepare
    const schema = identifier();
    // Act
    const result = schema.safeParse(value);
    // Assess
    expect(messagesOf(result)).toEqual(['expected a non-empty text value']);
  });

  it.each([
    ['true', true],
    [' TRUE ', true],
    ['1', true],
    ['false', false],
    ['False', false],
    ['0', false],
    [true, true],
    [false, false],
  ])('reads the boolean %j as %s', (value, expected) => {
    // Prepare
    const schema = boolean();
    // Act
    const result = schema.safeParse(value);
    // Assess
    expect(result.data).toBe(expected);
  });

  it.each(['yes', 'no', 't', '', 1, 0, null])('refuses the boolean %j', (value) => {
    // Prepare
    const schema = boolean();
    // Act
    const result = schema.safeParse(value);
    // Assess
    expect(messagesOf(result)).toEqual(['expected true or false']);
  });

  it('accepts exactly the listed values (trimmed, case-sensitive)', () => {
    // Prepare
    const schema = oneOf(['ad', 'organic'] as const);
    // Act
    const results = ['ad', ' organic ', 'Ad', 'tv', 1].map((v) => schema.safeParse(v));
    // Assess
    expect(results.map((r) => r.data)).toEqual(['ad', 'organic', undefined, undefined, undefined]);
    expect(messagesOf(results[3]!)).toEqual(['expected one of ad, organic']);
  });
});

describe('required and optional', () => {
  it.each([undefined, null, '', '   ', '\t'])('required reports %j as a missing value', (value) => {
    // Prepare
    const schema = z.object({ n: required(decimal()) });
    // Act
    const result = schema.safeParse(value === undefined ? {} : { n: value });
    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['n', 'missing required value']]);
  });

  it('required passes a present value to the inner schema, whose message is kept', () => {
    // Prepare
    const schema = z.object({ n: required(decimal({ min: 0 })) });
    // Act
    const good = schema.safeParse({ n: ' 5 ' });
    const bad = schema.safeParse({ n: '-5' });
    // Assess
    expect(good.data).toEqual({ n: 5 });
    expect(bad.error?.issues.map((i) => i.message)).toEqual(['expected a number >= 0']);
  });

  it.each([undefined, null, '', '  '])('optional reads %j as not given', (value) => {
    // Prepare
    const schema = z.object({ n: optional(integer()) });
    // Act
    const result = schema.safeParse(value === undefined ? {} : { n: value });
    // Assess
    expect(result.success).toBe(true);
    expect(result.data?.n).toBeUndefined();
  });

  it('optional still validates a given value', () => {
    // Prepare
    const schema = z.object({ n: optional(integer({ min: 0, max: 10 })) });
    // Act
    const good = schema.safeParse({ n: '10' });
    const bad = schema.safeParse({ n: '11' });
    // Assess
    expect(good.data).toEqual({ n: 10 });
    expect(bad.error?.issues.map((i) => i.message)).toEqual(['expected a whole number from 0 to 10']);
  });
});

describe('timestamp', () => {
  const resolver = new DayResolver('Asia/Shanghai');

  it('resolves text through the DayResolver, trimmed', () => {
    // Prepare
    const schema = timestamp(resolver);
    // Act
    const result = schema.safeParse(' 2026-11-15T16:00:00Z ');
    // Assess: 16:00Z is midnight in Shanghai
    expect(result.data).toEqual({ ok: true, day: '2026-11-16', epochMs: Date.parse('2026-11-15T16:00:00Z') });
  });

  it('refuses non-text values and passes the resolver reason through', () => {
    // Prepare
    const schema = timestamp(resolver);
    // Act
    const number = schema.safeParse(20261115);
    const impossible = schema.safeParse('2026-02-30');
    // Assess
    expect(messagesOf(number)).toEqual(['expected an ISO 8601 date or date-time']);
    expect(messagesOf(impossible)).toEqual(['expected a real calendar date between 1970 and 9999']);
  });
});
