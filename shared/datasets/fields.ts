import * as z from 'zod';
import type { DayParse, DayResolver } from '../time/days';

/**
 * Field types shared by the dataset contracts. CSV gives every value as a string and JSON
 * as a string, number or boolean; both go through the same schema. Messages say what was
 * expected and never repeat the value (it may be a user id).
 *
 * Fast path: every helper also registers a plain-JS converter for the same rule (see
 * `fastConverterOf`). A converter returns exactly what the schema's successful parse returns,
 * or DECLINE; it never words an error. Callers run the converters first and, for any row with
 * one DECLINE, parse that row with zod instead, which gives the messages. The zod schema stays
 * the contract; the converters are an optimisation proven equal to it by property tests.
 */

/** What a fast converter returns for a value it does not accept: the caller then asks zod. */
export const DECLINE: unique symbol = Symbol('decline');
export type Declined = typeof DECLINE;
export type FastConverter<T = unknown> = (value: unknown) => T | Declined;

/**
 * The same converter reading a CSV cell in place, text[start, end) (no string made for it):
 * always the result of `convert(text.slice(start, end))`.
 */
export type RangeConverter<T = unknown> = (text: string, start: number, end: number) => T | Declined;

const converters = new WeakMap<z.ZodType, FastConverter>();
const rangeConverters = new WeakMap<z.ZodType, RangeConverter>();

/**
 * What `required` and `optional` do to a cell in place, for generated readers (fast-rows.ts) to
 * write out per column instead of calling the wrapper: the wrapper's code is shared by every
 * column, so its call of the inner converter sees them all and V8 cannot inline it; written
 * into each column's own code, the call sees one converter. An empty cell gives `empty`; a cell
 * starting with printable ASCII other than space goes to `inner` in place; any other cell is
 * sliced for the wrapper's plain converter (exactly the wrapper's range converter). A JSON value
 * that is not a string: null or no value gives `empty`, a number or boolean goes to `plain`
 * (exactly the wrapper's plain converter, whose `given` passes those through).
 */
export interface CellWrapper {
  readonly empty: undefined | Declined;
  readonly inner: RangeConverter;
  /** The inner plain converter: what the wrapper does with a JSON number or boolean. */
  readonly plain: FastConverter;
  /**
   * The inner type is `identifier()`, which (1) accepts every text that is not blank, and
   * (2) returns a text unchanged when its first and last characters are printable ASCII other
   * than space. Readers use (2) not to look into such a text, and (1) to check a cell whose
   * value nothing keeps without making it (fast-rows.ts `keep`).
   */
  readonly identifier: boolean;
}

/** The schemas made by `identifier()` (see CellWrapper.identifier). */
const identifiers = new WeakSet<z.ZodType>();
const cellWrappers = new WeakMap<z.ZodType, CellWrapper>();
export const cellWrapperOf = (schema: z.ZodType): CellWrapper | undefined => cellWrappers.get(schema);

/**
 * Registers the plain-JS converter of a schema (same accepted values, same outputs), and
 * optionally its in-place twin for CSV cells (by default, the converter on the sliced cell).
 */
export const withFastPath = <S extends z.ZodType>(
  schema: S,
  convert: FastConverter<z.output<S>>,
  range?: RangeConverter<z.output<S>>,
): S => {
  converters.set(schema, convert as FastConverter);
  rangeConverters.set(schema, (range ?? ((text, start, end) => convert(text.slice(start, end)))) as RangeConverter);
  return schema;
};

/** The plain-JS converter registered for a schema, if any. */
export const fastConverterOf = <S extends z.ZodType>(schema: S): FastConverter<z.output<S>> | undefined =>
  converters.get(schema) as FastConverter<z.output<S>> | undefined;

/** The in-place converter registered for a schema, if any. */
export const rangeConverterOf = <S extends z.ZodType>(schema: S): RangeConverter<z.output<S>> | undefined =>
  rangeConverters.get(schema) as RangeConverter<z.output<S>> | undefined;

/**
 * Whether `word` is written in text at `start` (the caller knows the text is long enough). A
 * loop over character codes: cheaper than a startsWith call for the short words of a contract.
 */
const textAt = (text: string, start: number, word: string): boolean => {
  for (let i = 0; i < word.length; i += 1) if (text.charCodeAt(start + i) !== word.charCodeAt(i)) return false;
  return true;
};

/** Whether the code is printable ASCII other than space: nothing String.prototype.trim removes. */
const solid = (code: number) => code > 32 && code < 127;

// Plain decimal notation only: `1e309`, `0x10`, `NaN` and `Infinity` are refused on purpose.
const DECIMAL = /^-?(?:\d+(?:\.\d*)?|\.\d+)$/;
const INTEGER = /^-?\d+$/;

const blankToUndefined = (value: unknown) =>
  value === '' || value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value;

/**
 * The value itself when it surely has nothing to trim (printable ASCII at both ends), else its
 * trim(). Saves the work of trim() on the common, clean cell; the result is always `text.trim()`.
 */
const trimmed = (text: string): string => {
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  return first > 32 && first < 127 && last > 32 && last < 127 ? text : text.trim();
};

/** blankToUndefined for the fast path: a clean non-blank text is returned at once. */
const given = (value: unknown): unknown => {
  if (typeof value === 'string') {
    const first = value.charCodeAt(0);
    if (first > 32 && first < 127) return value;
    return value.trim() === '' ? undefined : value;
  }
  return value === null ? undefined : value;
};

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Number(text) for plain decimals of at most 15 digits, computed from the digits: the digits
 * make an exact integer below 2^53 and 10^k is exact, so one division is correctly rounded,
 * which is what Number() returns (Clinger's fast path). NaN means "not this shape": the caller
 * then uses the pattern and Number().
 */
const readDecimal = (text: string, start: number, end: number, allowFraction: boolean): number => {
  let i = start;
  let negative = false;
  if (text.charCodeAt(i) === 45) {
    negative = true;
    i += 1;
  }
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let dot = false;
  for (; i < end; i += 1) {
    const d = text.charCodeAt(i) - 48;
    if (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits += 1;
      if (dot) scale += 1;
    } else if (d === -2 && allowFraction && !dot) dot = true;
    else return Number.NaN;
  }
  if (digits === 0 || digits > 15) return Number.NaN;
  const n = scale === 0 ? mantissa : mantissa / POW10[scale]!;
  return negative ? -n : n;
};

/** The fast twin of toNumber + the bound check: the number, or DECLINE. */
const fastNumber =
  (pattern: RegExp, allowFraction: boolean, accept: (n: number) => boolean): FastConverter<number> =>
  (value) => {
    let n: number;
    if (typeof value === 'number') n = value;
    else if (typeof value === 'string') {
      const text = trimmed(value);
      n = readDecimal(text, 0, text.length, allowFraction);
      if (Number.isNaN(n)) {
        if (!pattern.test(text)) return DECLINE;
        n = Number(text);
      }
    } else return DECLINE;
    return Number.isFinite(n) && accept(n) ? n : DECLINE;
  };

/** fastNumber on a cell in place: a clean plain decimal is read from its digits, anything else sliced. */
const rangeNumber =
  (convert: FastConverter<number>, allowFraction: boolean, accept: (n: number) => boolean): RangeConverter<number> =>
  (text, start, end) => {
    const n = start < end ? readDecimal(text, start, end, allowFraction) : Number.NaN;
    if (Number.isNaN(n)) return convert(text.slice(start, end));
    return Number.isFinite(n) && accept(n) ? n : DECLINE;
  };

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
  const inBounds = (n: number) =>
    (bounds.min === undefined || n >= bounds.min) && (bounds.max === undefined || n <= bounds.max);
  const convert = fastNumber(DECIMAL, true, inBounds);
  return withFastPath(
    z
      .unknown()
      .transform(toNumber(DECIMAL, what))
      .pipe(z.number().refine(inBounds, { message: `expected ${what}` })),
    convert,
    rangeNumber(convert, true, inBounds),
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
  const accept = (n: number) =>
    Number.isSafeInteger(n) &&
    (bounds.min === undefined || n >= bounds.min) &&
    (bounds.max === undefined || n <= bounds.max);
  const convert = fastNumber(INTEGER, false, accept);
  return withFastPath(
    z
      .unknown()
      .transform(toNumber(INTEGER, what))
      .pipe(z.number().refine(accept, { message: `expected ${what}` })),
    convert,
    rangeNumber(convert, false, accept),
  );
};

const readIdentifier = (value: unknown): string | Declined => {
  if (typeof value === 'string') {
    const text = trimmed(value);
    return text === '' ? DECLINE : text;
  }
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : DECLINE;
};

/** A non-empty identifier (JSON numbers are accepted and read as text). */
export const identifier = () => {
  const schema = withFastPath(
    z.unknown().transform((value, ctx) => {
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value === 'string' && value.trim() !== '') return value.trim();
      ctx.addIssue({ code: 'custom', message: 'expected a non-empty text value' });
      return z.NEVER;
    }),
    readIdentifier,
    (text, start, end) =>
      start < end && solid(text.charCodeAt(start)) && solid(text.charCodeAt(end - 1))
        ? text.slice(start, end)
        : readIdentifier(text.slice(start, end)),
  );
  // readIdentifier(text) is text itself when trim() has nothing to remove at either end, and
  // DECLINE only for a blank text.
  identifiers.add(schema);
  return schema;
};

const readBoolean = (value: unknown): boolean | Declined => {
  if (typeof value === 'boolean') return value;
  if (value === 'false') return false;
  if (value === 'true') return true;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
  }
  return DECLINE;
};

export const boolean = () =>
  withFastPath(
    z.unknown().transform((value, ctx) => {
      const result = readBoolean(value);
      if (result !== DECLINE) return result;
      ctx.addIssue({ code: 'custom', message: 'expected true or false' });
      return z.NEVER;
    }),
    readBoolean,
    (text, start, end) => {
      // `false` and `true` spelled out by character code (the cells of almost every row).
      const length = end - start;
      const c = text.charCodeAt(start);
      if (
        length === 5 &&
        c === 102 &&
        text.charCodeAt(start + 1) === 97 &&
        text.charCodeAt(start + 2) === 108 &&
        text.charCodeAt(start + 3) === 115 &&
        text.charCodeAt(start + 4) === 101
      ) {
        return false;
      }
      if (
        length === 4 &&
        c === 116 &&
        text.charCodeAt(start + 1) === 114 &&
        text.charCodeAt(start + 2) === 117 &&
        text.charCodeAt(start + 3) === 101
      )
        return true;
      return readBoolean(text.slice(start, end));
    },
  );

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => {
  const allowed = new Set<string>(values);
  const schema = z.unknown().transform((value, ctx) => {
    const text = typeof value === 'string' ? value.trim() : value;
    if (typeof text === 'string' && (values as readonly string[]).includes(text)) return text as T[number];
    ctx.addIssue({ code: 'custom', message: `expected one of ${values.join(', ')}` });
    return z.NEVER;
  });
  const convert = (value: unknown): Awaited<T[number]> | Declined => {
    if (typeof value !== 'string') return DECLINE;
    const text = trimmed(value);
    return allowed.has(text) ? (text as Awaited<T[number]>) : DECLINE;
  };
  // The allowed values by length: a cell is compared with those of its length only.
  const byLength: (readonly T[number][] | undefined)[] = [];
  for (const v of values) byLength[v.length] = [...(byLength[v.length] ?? []), v];
  return withFastPath(schema, convert, (text, start, end) => {
    const candidates = byLength[end - start];
    if (candidates !== undefined) {
      for (const v of candidates) if (textAt(text, start, v)) return v as Awaited<T[number]>;
    }
    return convert(text.slice(start, end));
  });
};

/** An ISO 8601 date or date-time, resolved to its day in the cooperation's timezone. */
export const timestamp = (resolver: DayResolver) =>
  withFastPath(
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
    }),
    (value) => {
      if (typeof value !== 'string') return DECLINE;
      const parsed = resolver.dayOf(trimmed(value));
      return parsed.ok ? parsed : DECLINE;
    },
    (text, start, end) => {
      const parsed = resolver.dayOfRange(text, start, end);
      if (parsed !== undefined) return parsed;
      const value = text.slice(start, end).trim();
      const slow = resolver.dayOf(value);
      return slow.ok ? slow : DECLINE;
    },
  );

/** Optional column: a missing key, an empty cell or JSON null all mean "not given". */
export const optional = <T extends z.ZodType>(schema: T) => {
  const wrapped = z.preprocess(blankToUndefined, schema.optional());
  const inner = fastConverterOf(schema);
  if (inner === undefined) return wrapped;
  const innerRange = rangeConverterOf(schema)!;
  const convert = (value: unknown) => {
    const v = given(value);
    return v === undefined ? undefined : inner(v);
  };
  withFastPath(wrapped, convert, (text, start, end) =>
    start === end
      ? undefined
      : solid(text.charCodeAt(start))
        ? innerRange(text, start, end)
        : convert(text.slice(start, end)),
  );
  cellWrappers.set(wrapped, {
    empty: undefined,
    inner: innerRange,
    plain: inner,
    identifier: identifiers.has(schema),
  });
  return wrapped;
};

/** Required column: a missing key or an empty cell is reported as missing. */
export const required = <T extends z.ZodType<unknown, unknown>>(schema: T) => {
  const wrapped = z.preprocess(
    blankToUndefined,
    z
      .unknown()
      .refine((v) => v !== undefined, { message: 'missing required value', abort: true })
      .pipe(schema as unknown as z.ZodType<z.output<T>, {} | null>),
  );
  const inner = fastConverterOf(schema);
  if (inner === undefined) return wrapped;
  const innerRange = rangeConverterOf(schema)! as RangeConverter<z.output<T>>;
  const convert = (value: unknown) => {
    const v = given(value);
    return v === undefined ? DECLINE : (inner(v) as z.output<T> | Declined);
  };
  withFastPath(wrapped, convert, (text, start, end) =>
    start === end
      ? DECLINE
      : solid(text.charCodeAt(start))
        ? innerRange(text, start, end)
        : convert(text.slice(start, end)),
  );
  cellWrappers.set(wrapped, {
    empty: DECLINE,
    inner: innerRange as RangeConverter,
    plain: inner as FastConverter,
    identifier: identifiers.has(schema),
  });
  return wrapped;
};

/** A cross-field rule of a row: the issues it finds (column and message), or none. */
export interface RowIssue {
  readonly column: string;
  readonly message: string;
}
export type RowCheck<Row> = (row: Row) => readonly RowIssue[] | undefined;

/** How the fast path reads a row object: its columns with their converters, then the row check. */
export interface RowPlan {
  readonly keys: readonly string[];
  readonly converters: readonly FastConverter[];
  readonly rangeConverters: readonly RangeConverter[];
  /** Per column, what `required` / `optional` do in place, when the column is one of them. */
  readonly wrappers: readonly (CellWrapper | undefined)[];
  readonly check?: RowCheck<Record<string, unknown>>;
}

const rowPlans = new WeakMap<z.ZodType, RowPlan>();

/** The fast-path plan of a schema built by `row`, when every column has a converter. */
export const rowPlanOf = (schema: z.ZodType): RowPlan | undefined => rowPlans.get(schema);

/**
 * A row contract: a zod object of the columns, and the cross-field check as a plain function
 * that both the zod superRefine and the fast path run (one rule, two callers).
 */
export const row = <Shape extends z.ZodRawShape>(
  shape: Shape,
  check?: RowCheck<z.output<z.ZodObject<Shape>>>,
): z.ZodType<z.output<z.ZodObject<Shape>>> => {
  const base = z.object(shape);
  const schema: z.ZodType<z.output<z.ZodObject<Shape>>> =
    check === undefined
      ? base
      : base.superRefine((value, ctx) => {
          const issues = check(value);
          if (issues === undefined) return;
          for (const issue of issues) ctx.addIssue({ code: 'custom', path: [issue.column], message: issue.message });
        });
  const keys = Object.keys(shape);
  const fast = keys.map((key) => fastConverterOf(shape[key] as z.ZodType));
  const ranges = keys.map((key) => rangeConverterOf(shape[key] as z.ZodType));
  if (
    fast.every((c): c is FastConverter => c !== undefined) &&
    ranges.every((c): c is RangeConverter => c !== undefined)
  ) {
    rowPlans.set(schema, {
      keys,
      converters: fast,
      rangeConverters: ranges,
      wrappers: keys.map((key) => cellWrappers.get(shape[key] as z.ZodType)),
      check: check as RowCheck<Record<string, unknown>> | undefined,
    });
  }
  return schema;
};
