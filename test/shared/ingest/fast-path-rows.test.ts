import fc from 'fast-check';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../../../shared/datasets/definitions';
import {
  boolean,
  decimal,
  DECLINE,
  fastConverterOf,
  identifier,
  integer,
  oneOf,
  optional,
  rangeConverterOf,
  required,
  rowPlanOf,
  timestamp,
} from '../../../shared/datasets/fields';
import { DATASET_NAMES, type DatasetName } from '../../../shared/datasets/names';
import { cellText } from '../../../shared/ingest/csv-reader';
import { compileRows } from '../../../shared/ingest/fast-rows';
import { DayResolver } from '../../../shared/time/days';

/**
 * The fast path must be an exact shortcut of the zod contract: for any input it either declines
 * or returns what zod's successful parse returns (same values, same keys, -0 stays -0), and it
 * never accepts what zod rejects.
 */

const resolver = new DayResolver('Asia/Shanghai');
const context = { resolver, currency: 'CNY' };

/** Column kinds of the datasets, to draw values that are often, but not always, valid. */
const KINDS: Record<string, 'id' | 'ts' | 'dec' | 'int' | 'bool' | 'channel' | 'kind' | 'currency' | 'series'> = {
  user_id: 'id',
  course_id: 'id',
  campaign_id: 'id',
  event_id: 'id',
  enrolled_at: 'ts',
  referred_at: 'ts',
  converted_at: 'ts',
  submitted_at: 'ts',
  date: 'ts',
  amount: 'dec',
  revenue: 'dec',
  spend: 'dec',
  score: 'dec',
  influence: 'dec',
  impressions: 'int',
  clicks: 'int',
  conversions: 'int',
  registrations: 'int',
  attendees: 'int',
  new_users: 'int',
  rating: 'int',
  nps: 'int',
  followers: 'int',
  mentions: 'int',
  refunded: 'bool',
  channel: 'channel',
  kind: 'kind',
  currency: 'currency',
  series: 'series',
  value: 'dec',
};

const EDGE_TEXT = [
  '',
  ' ',
  '  \t',
  ' 1',
  '1 ',
  '1e3',
  '1E3',
  '0x1',
  '0b1',
  '+1',
  '-0',
  '0',
  '-1',
  '1.',
  '.5',
  '..5',
  '.',
  '-',
  'NaN',
  'Infinity',
  '1,5',
  '1_000',
  '9'.repeat(400),
  '9007199254740993',
  '2026-02-30',
  'true',
  'null',
  '\u00a01',
  '１',
];
const NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  1.5,
  2 ** 53,
  2 ** 53 + 2,
  Number.MAX_VALUE,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  5,
  10,
  11,
];
const TEXTS: Record<string, readonly string[]> = {
  id: ['u-1', ' u-2 ', 'ai-101', '张三', '0', '"x"', 'a\nb'],
  ts: [
    '2026-11-02',
    ' 2026-11-02 ',
    '2026-11-02T10:00:00+08:00',
    '2026-11-02T23:59:59',
    '2026-11-02 16:00:00Z',
    '2026-11-02T10:00:00.123456789-18:00',
    '2026-11-02T10:00:00+18:59',
    '2026-11-02T10:00:00+19:00',
    '2026-11-02T24:00:00',
    '2026-02-29',
    '2024-02-29',
    '1969-12-31',
    '1970-01-01T00:00:00+05:00',
    '9999-12-31T23:59:59-18:00',
    '2026-11-03T09:00:00',
    '2026-11-01T09:00:00Z',
  ],
  dec: ['0', '-0', '12', '12.50', '1.', '.5', ' 3.25 ', '-4.5', '0.75', '1', '1.0000001', '000123.4', '199.00'],
  int: ['0', '-0', '1', '5', '10', '11', ' 7 ', '1.0', '-3', '9007199254740991', '9007199254740992', '100'],
  bool: ['true', 'false', 'TRUE', ' True ', '1', '0', ' 0 ', 'yes', 'no', '2', 'falsey', 'trueish', 'false '],
  channel: ['referral', 'ad', 'event', 'organic', 'co_brand', ' ad ', 'AD', 'tv', 'live', 'ads', 'organics'],
  kind: ['open_class', 'live', 'offline', 'competition', ' live ', 'Live', 'ad'],
  currency: ['CNY', 'cny', ' Cny ', 'USD', 'CN', 'CNYY', 'C1Y'],
  series: ['total_enrollments', ' revenue ', 'new.paid-users', 'a b', 'x|y', '#', 'x'.repeat(65)],
};

/** A text a CSV cell could hold for a column of this kind. */
const textFor = (kind: string) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...TEXTS[kind]!) },
    { weight: 2, arbitrary: fc.constantFrom(...EDGE_TEXT) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );

/** A value a JSON object could hold for a column of this kind (or no key at all: undefined). */
const jsonFor = (kind: string) =>
  fc.oneof(
    { weight: 5, arbitrary: textFor(kind) },
    { weight: 3, arbitrary: fc.constantFrom<unknown>(...NUMBERS) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, undefined, true, false, {}, [], [1]) },
  );

const recordOf = (columns: readonly string[], value: (kind: string) => fc.Arbitrary<unknown>) =>
  fc.tuple(...columns.map((c) => fc.option(value(KINDS[c]!), { nil: undefined, freq: 8 }))).map((values) => {
    const row: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      if (values[i] !== undefined) row[c] = values[i];
    });
    return row;
  });

const columnsOf = (name: DatasetName) => DATASETS[name].columns.map((c) => c.name);

/** Asserts the fast result is DECLINE or exactly zod's successful output. */
const agrees = (schema: z.ZodType, values: Record<string, unknown>, fast: unknown) => {
  const zod = schema.safeParse(values);
  if (fast === DECLINE) return;
  expect(zod.success).toBe(true);
  expect(fast).toStrictEqual(zod.data);
};

/** Any header of a dataset's columns (and an unknown `note`), a record under it, and which fields to quote. */
const quotedRecord = (columns: readonly string[]) =>
  fc
    .shuffledSubarray([...columns, 'note'], { minLength: 1 })
    .chain((header) =>
      fc.tuple(
        fc.constant(header),
        fc.tuple(...header.map((c) => (c === 'note' ? fc.string() : textFor(KINDS[c]!)))),
        fc.array(fc.boolean(), { minLength: header.length, maxLength: header.length }),
      ),
    );

/**
 * A record as the CSV reader hands it over: the range of each field in a longer text, inside its
 * quotes when quoted (or when it must be), the start complemented when it holds doubled quotes.
 */
const recordInPlace = (fields: readonly string[], quote: readonly boolean[], around: string) => {
  let text = `${around}\n`;
  const cells: number[] = [];
  fields.forEach((f, i) => {
    if (i > 0) text += ',';
    const quoted = quote[i] || /[",\n]/.test(f);
    if (!quoted) {
      cells.push(text.length, text.length + f.length);
      text += f;
      return;
    }
    const escaped = f.replaceAll('"', '""');
    const start = text.length + 1;
    cells.push(escaped === f ? start : ~start, start + escaped.length);
    text += `"${escaped}"`;
  });
  text += `\n${around}`;
  return { text, cells };
};

describe('fast path: every dataset has one', () => {
  it.each(DATASET_NAMES)('%s compiles every column and its cross-field check', (name) => {
    const plan = rowPlanOf(DATASETS[name].rowSchema(context));
    expect(plan?.keys).toEqual(columnsOf(name));
  });
});

describe('fast path equals zod for JSON objects (property)', () => {
  it.each(DATASET_NAMES)('%s: declines or returns exactly the zod output', (name) => {
    const schema = DATASETS[name].rowSchema(context);
    const compiled = compileRows(schema);
    const columns = columnsOf(name);
    fc.assert(
      fc.property(
        recordOf([...columns, 'extra'], (k) => (k === undefined ? fc.string() : jsonFor(k))),
        (values) => {
          agrees(schema, values, compiled.fromObject(values));
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe('fast path equals zod for CSV records (property)', () => {
  it.each(DATASET_NAMES)('%s: for any header order and subset, declines or returns exactly the zod output', (name) => {
    const schema = DATASETS[name].rowSchema(context);
    const columns = columnsOf(name);
    fc.assert(
      fc.property(
        fc
          .shuffledSubarray([...columns, 'note'], { minLength: 1 })
          .chain((header) =>
            fc.tuple(
              fc.constant(header),
              fc.tuple(...header.map((c) => (c === 'note' ? fc.string() : textFor(KINDS[c]!)))),
            ),
          ),
        ([header, fields]) => {
          const values: Record<string, unknown> = {};
          header.forEach((c, i) => {
            values[c] = fields[i];
          });
          agrees(schema, values, compileRows(schema, header).fromFields(fields));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it.each(DATASET_NAMES)('%s: accepts every valid CSV record on the fast path', (name) => {
    const schema = DATASETS[name].rowSchema(context);
    const columns = columnsOf(name);
    const compiled = compileRows(schema, columns);
    fc.assert(
      fc.property(fc.tuple(...columns.map((c) => fc.constantFrom(...TEXTS[KINDS[c]!]!))), (fields) => {
        const values = Object.fromEntries(columns.map((c, i) => [c, fields[i]]));
        const zod = schema.safeParse(values);
        const fast = compiled.fromFields(fields);
        if (zod.success) expect(fast).toStrictEqual(zod.data);
        else expect(fast).toBe(DECLINE);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('fast path: each field helper alone (property)', () => {
  const helpers: [string, z.ZodType][] = [
    ['decimal()', decimal()],
    ['decimal({min: 0})', decimal({ min: 0 })],
    ['decimal({min: 0, max: 1})', decimal({ min: 0, max: 1 })],
    ['integer()', integer()],
    ['integer({min: 1, max: 5})', integer({ min: 1, max: 5 })],
    ['identifier()', identifier()],
    ['boolean()', boolean()],
    ['oneOf', oneOf(['ad', 'organic'])],
    ['timestamp', timestamp(resolver)],
    ['required(decimal())', required(decimal())],
    ['optional(integer())', optional(integer({ min: 0 }))],
    ['optional(timestamp)', optional(timestamp(resolver))],
    ['required(identifier())', required(identifier())],
  ];
  const anyValue = fc.oneof(
    fc.constantFrom(...Object.keys(TEXTS)).chain((k) => jsonFor(k)),
    fc.constantFrom<unknown>(...EDGE_TEXT),
    fc.string(),
    fc.double(),
    fc.integer(),
  );

  it.each(helpers)('%s: converter declines or equals zod, never accepts what zod refuses', (_name, schema) => {
    const convert = fastConverterOf(schema)!;
    expect(convert).toBeTypeOf('function');
    fc.assert(
      fc.property(anyValue, (value) => {
        const zod = schema.safeParse(value);
        const fast = convert(value);
        if (fast === DECLINE) {
          // Declines exactly where zod refuses: the converters are complete, not just safe.
          expect(zod.success).toBe(false);
          return;
        }
        expect(zod.success).toBe(true);
        expect(fast).toStrictEqual(zod.data);
        if (typeof fast === 'number') expect(Object.is(fast, zod.data)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    [' 1', 1],
    ['-0', -0],
    ['1e3', DECLINE],
    ['0x1', DECLINE],
    ['', DECLINE],
    ['1.', 1],
  ])('decimal reads %j as %s, like zod', (text, expected) => {
    const convert = fastConverterOf(decimal())!;
    expect(Object.is(convert(text), expected)).toBe(true);
  });
});

describe('fast path in place: a CSV cell read where it lies equals the sliced cell (property)', () => {
  /** A line of cells of one kind, with the cell at `at` to read: the text around it may hold anything. */
  const around = fc.string({
    unit: fc.constantFrom('1', '9', ',', '-', ' ', 'a', 'Z', ':', '.', '2', '"'),
    maxLength: 6,
  });

  it.each(DATASET_NAMES)('%s: every column converter in place equals the converter on the slice', (name) => {
    const schema = DATASETS[name].rowSchema(context);
    const plan = rowPlanOf(schema)!;
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: plan.keys.length - 1 })
          .chain((i) => fc.tuple(fc.constant(i), textFor(KINDS[plan.keys[i]!]!), around, around)),
        ([i, cell, before, after]) => {
          const text = `${before}${cell}${after}`;
          const start = before.length;
          const end = start + cell.length;
          const inPlace = plan.rangeConverters[i]!(text, start, end);
          const sliced = plan.converters[i]!(text.slice(start, end));
          expect(inPlace).toStrictEqual(sliced);
          if (typeof sliced === 'number') expect(Object.is(inPlace, sliced)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it.each(DATASET_NAMES)(
    '%s: a record read in place equals the record read from its fields, for any header and quoting',
    (name) => {
      const schema = DATASETS[name].rowSchema(context);
      const columns = columnsOf(name);
      fc.assert(
        fc.property(fc.tuple(quotedRecord(columns), around), ([[header, fields, quote], before]) => {
          const { text, cells } = recordInPlace(fields, quote, before);
          const compiled = compileRows(schema, header);
          expect(fields.map((_, i) => cellText(text, cells, i))).toEqual(fields);
          expect(compiled.fromCells(text, cells)).toStrictEqual(compiled.fromFields(fields));
        }),
        { numRuns: 1500 },
      );
    },
  );

  it('registers an in-place converter for every field helper', () => {
    for (const schema of [
      decimal(),
      integer(),
      identifier(),
      boolean(),
      oneOf(['a']),
      timestamp(resolver),
      optional(decimal()),
      required(identifier()),
    ]) {
      expect(rangeConverterOf(schema)).toBeTypeOf('function');
    }
  });
});

describe('keep: identifiers nothing reads are checked in place and left out of the row (property)', () => {
  /** What the ingest leaves out, from the test's own column kinds: identifiers outside `reads`. */
  const droppedOf = (name: DatasetName) => {
    const reads: readonly string[] = DATASETS[name].reads;
    return columnsOf(name).filter((c) => KINDS[c] === 'id' && !reads.includes(c));
  };
  /** The full row without the dropped keys (DECLINE stays DECLINE). */
  const project = (row: unknown, dropped: readonly string[]) =>
    row === DECLINE ? DECLINE : Object.fromEntries(Object.entries(row as object).filter(([k]) => !dropped.includes(k)));

  it('reads only columns the dataset has, and leaves out the identifiers a count needs no value of', () => {
    for (const name of DATASET_NAMES) {
      for (const c of DATASETS[name].reads) expect(columnsOf(name)).toContain(c);
    }
    expect(droppedOf('enrollments')).toEqual(['user_id', 'course_id']);
    expect(droppedOf('series')).toEqual([]);
  });

  it.each(DATASET_NAMES)('%s: CSV in place and from fields, for any header and quoting', (name) => {
    const schema = DATASETS[name].rowSchema(context);
    const columns = columnsOf(name);
    const dropped = droppedOf(name);
    fc.assert(
      fc.property(quotedRecord(columns), ([header, fields, quote]) => {
        const { text, cells } = recordInPlace(fields, quote, '');
        const all = compileRows(schema, header);
        const kept = compileRows(schema, header, { keep: DATASETS[name].reads });
        expect(kept.fromCells(text, cells)).toStrictEqual(project(all.fromCells(text, cells), dropped));
        expect(kept.fromFields(fields)).toStrictEqual(project(all.fromFields(fields), dropped));
      }),
      { numRuns: 1500 },
    );
  });

  it.each(DATASET_NAMES)('%s: JSON objects', (name) => {
    const schema = DATASETS[name].rowSchema(context);
    const dropped = droppedOf(name);
    const all = compileRows(schema);
    const kept = compileRows(schema, [], { keep: DATASETS[name].reads });
    fc.assert(
      fc.property(
        recordOf([...columnsOf(name), 'extra'], (k) => (k === undefined ? fc.string() : jsonFor(k))),
        (values) => {
          expect(kept.fromObject(values)).toStrictEqual(project(all.fromObject(values), dropped));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('enrollments: a valid record keeps what the aggregates read, and no user or course id', () => {
    const header = columnsOf('enrollments');
    const fields = ['u-1', '"ml ""ops"" lab"', '2026-11-02T10:00:00+08:00', 'ad', '12.50', 'CNY', 'false'];
    const text = fields.join(',');
    const cells: number[] = [];
    let at = 0;
    for (const f of fields) {
      const doubled = f.startsWith('"');
      cells.push(doubled ? ~(at + 1) : at, doubled ? at + f.length - 1 : at + f.length);
      at += f.length + 1;
    }
    const row = compileRows(DATASETS.enrollments.rowSchema(context), header, {
      keep: DATASETS.enrollments.reads,
    }).fromCells(text, cells);
    expect(row).toStrictEqual({
      enrolled_at: { ok: true, day: '2026-11-02', epochMs: Date.UTC(2026, 10, 2, 2) },
      channel: 'ad',
      amount: 12.5,
      currency: 'CNY',
      refunded: false,
    });
  });
});
