import { z } from 'zod';
import type { DayParse, DayResolver } from '../time/days';

/**
 * Field types shared by the dataset contracts. CSV gives every value as a string and JSON
 * as a string, number or boolean; both go through the same schema. Messages say what was
 * expected and never repeat the value (it may be a user id).
 */

// Plain decimal notation only: `1e309`, `0x10`, `NaN` and `Infinity` are refused on purpose.
const DECIMAL = /^-?(?:\d+(?:\.\d*)?|\.\d+)$/;
const INTEGER = /^-?\d+$/;

const blankToUndefined = (value: unknown) =>
  value === '' || value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value;

const toNumber = (pattern: RegExp, what: string) => (value: unknown, ctx: z.core.$RefinementCtx<unknown>) => {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (pattern.test(text)) {
      const n = Number(text);
      if (Number.isFinite(n)) return n;
    }
  }
  ctx.addIssue({ code: 'custom', message: `expected ${what}` });
  return z.NEVER;
};

/** A finite decimal number, optionally bounded. */
export const decimal = (bounds: { min?: number; max?: number } = {}) => {
  const what =
    bounds.min !== undefined && bounds.max !== undefined
      ? `a number from ${bounds.min} to ${bounds.max}`
      : bounds.min !== undefined
        ? `a number >= ${bounds.min}`
        : 'a number';
  return z.unknown().transform(toNumber(DECIMAL, what)).pipe(
    z
      .number()
      .refine((n) => (bounds.min === undefined || n >= bounds.min) && (bounds.max === undefined || n <= bounds.max), {
        message: `expected ${what}`,
      }),
  );
};

/** A whole number, optionally bounded. */
export const integer = (bounds: { min?: number; max?: number } = {}) => {
  const what =
    bounds.min !== undefined && bounds.max !== undefined
      ? `a whole number from ${bounds.min} to ${bounds.max}`
      : bounds.min !== undefined
        ? `a whole number >= ${bounds.min}`
        : 'a whole number';
  return z.unknown().transform(toNumber(INTEGER, what)).pipe(
    z
      .number()
      .refine(
        (n) =>
          Number.isSafeInteger(n) && (bounds.min === undefined || n >= bounds.min) && (bounds.max === undefined || n <= bounds.max),
        { message: `expected ${what}` },
      ),
  );
};

/** A non-empty identifier (JSON numbers are accepted and read as text). */
export const identifier = () =>
  z.unknown().transform((value, ctx) => {
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    ctx.addIssue({ code: 'custom', message: 'expected a non-empty text value' });
    return z.NEVER;
  });

export const boolean = () =>
  z.unknown().transform((value, ctx) => {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string') {
      const text = value.trim().toLowerCase();
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
    }
    ctx.addIssue({ code: 'custom', message: 'expected true or false' });
    return z.NEVER;
  });

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.unknown().transform((value, ctx) => {
    const text = typeof value === 'string' ? value.trim() : value;
    if (typeof text === 'string' && (values as readonly string[]).includes(text)) return text as T[number];
    ctx.addIssue({ code: 'custom', message: `expected one of ${values.join(', ')}` });
    return z.NEVER;
  });

/** An ISO 8601 date or date-time, resolved to its day in the cooperation's timezone. */
export const timestamp = (resolver: DayResolver) =>
  z.unknown().transform((value, ctx): Extract<DayParse, { ok: true }> => {
    if (typeof value !== 'string') {
      ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 date or date-time' });
      return z.NEVER;
    }
    const parsed = resolver.dayOf(value.trim());
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.reason });
      return z.NEVER;
    }
    return parsed;
  });

/** Optional column: a missing key, an empty cell or JSON null all mean "not given". */
export const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

/** Required column: a missing key or an empty cell is reported as missing. */
export const required = <T extends z.ZodType<unknown, unknown>>(schema: T) =>
  z.preprocess(
    blankToUndefined,
    z
      .unknown()
      .refine((v) => v !== undefined, { message: 'missing required value', abort: true })
      .pipe(schema as unknown as z.ZodType<z.output<T>, {} | null>),
  );
