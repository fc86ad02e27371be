import * as z from 'zod';
import type { DayResolver } from '../time/days';
import {
  boolean,
  DECLINE,
  decimal,
  identifier,
  integer,
  oneOf,
  optional,
  required,
  row,
  timestamp,
  withFastPath,
  type RowIssue,
} from './fields';
import {
  DATASET_MEASURES,
  SERIES_ID,
  SERIES_KEY_SEPARATOR,
  seriesMeasure,
  splitGroupKey,
  type DatasetName,
  type MeasureOf,
} from './names';

/** What a row schema needs beyond the row: the cooperation's timezone and currency. */
export interface RowContext {
  readonly resolver: DayResolver;
  readonly currency: string;
}

export const CHANNELS = ['referral', 'ad', 'event', 'organic', 'co_brand'] as const;
export const EVENT_KINDS = ['open_class', 'live', 'offline', 'competition'] as const;

/**
 * One dataset: its row contract (a zod schema, the single source of truth for parsing,
 * error messages and the docs), the measures stored per day, and how a valid row adds to them.
 * Measures are sums (counts, totals, sums of squares), so days and files add up exactly.
 */
export interface DatasetDefinition<
  Row = unknown,
  Measure extends string = string,
  Read extends string = keyof Row & string,
> {
  readonly name: DatasetName;
  readonly description: string;
  /** Columns in the documented order, with a one-line meaning for the data-contract page. */
  readonly columns: readonly { name: string; required: boolean; meaning: string }[];
  /** The sums stored per day, by name; the ingest's hot path keeps them in an array in this order. */
  readonly measures: readonly Measure[];
  rowSchema(context: RowContext): z.ZodType<Row>;
  /**
   * The columns `dayOf` and `accumulate` read (the compiler holds them to it: they see only
   * these). The ingest still checks every column, but one outside this list that needs no value
   * to be checked (an identifier such as a user id) is checked in place and never made into a
   * value (fast-rows.ts `keep`): it costs less, and a user id sent as text is not copied into a
   * string of its own.
   */
  readonly reads: readonly Read[];
  /**
   * The group a row adds to: its local day (for `series`, the day and the series id, joined by
   * SERIES_KEY_SEPARATOR; splitGroupKey takes them apart).
   */
  dayOf(row: ReadOf<Row, Read>): string;
  /** Adds a valid row to a day's measures (an array in `measures` order, indexed through `measureIndex`). */
  accumulate(measures: number[], row: ReadOf<Row, Read>): void;
}

/** What `dayOf` and `accumulate` see of a row: the columns in `reads` (any row, for the opaque DATASETS). */
// biome-ignore lint/suspicious/noExplicitAny: DATASETS holds every dataset's definition with rows it cannot type
type ReadOf<Row, Read extends string> = 0 extends 1 & Row ? any : { readonly [K in Read & keyof Row]: Row[K] };

const define = <Row, const Measure extends string, const Read extends string>(
  definition: DatasetDefinition<Row, Measure, Read>,
) => definition;

/**
 * Names the positions of a dataset's measures: `at.revenue` instead of `m[2]`, so the order is
 * written once. The hot path still adds into a plain array (an object per day costs more).
 */
const measureIndex = <D extends DatasetName>(dataset: D) => {
  const names: readonly MeasureOf<D>[] = DATASET_MEASURES[dataset];
  return {
    names,
    at: Object.fromEntries(names.map((name, i) => [name, i])) as { readonly [K in MeasureOf<D>]: number },
  };
};

const ENROLLMENT = measureIndex('enrollments');
const REFERRAL = measureIndex('referrals');
const CAMPAIGN = measureIndex('campaigns');
const ACTIVITY = measureIndex('activity');
const FEEDBACK = measureIndex('feedback');
const EVENT = measureIndex('events');
const BRAND = measureIndex('brand');
const SERIES = measureIndex('series');

const CURRENCY_CODE = /^[A-Za-z]{3}$/;

const readCurrency = (currency: string) => (value: unknown) => {
  if (typeof value !== 'string') return DECLINE;
  const text = value.trim();
  if (!CURRENCY_CODE.test(text)) return DECLINE;
  const code = text.toUpperCase();
  return code === currency ? code : DECLINE;
};

const sameCurrency = (currency: string) =>
  optional(
    withFastPath(
      z
        .string()
        .trim()
        .regex(CURRENCY_CODE, { message: 'expected an ISO 4217 currency code such as CNY' })
        .transform((c) => c.toUpperCase())
        .refine((c) => c === currency, { message: `expected ${currency}, the cooperation's currency` }),
      readCurrency(currency),
      (text, start, end) =>
        end - start === currency.length && text.startsWith(currency, start)
          ? currency
          : readCurrency(currency)(text.slice(start, end)),
    ),
  );

/**
 * Cross-field rules, as plain functions: the zod contract (superRefine) and the fast path
 * run the very same code. Each returns the issues it finds, or undefined.
 */
export const referralChecks = (r: {
  referred_at: { epochMs: number };
  converted_at?: { epochMs: number };
}): RowIssue[] | undefined =>
  r.converted_at !== undefined && r.converted_at.epochMs < r.referred_at.epochMs
    ? [{ column: 'converted_at', message: 'expected converted_at not before referred_at' }]
    : undefined;

export const campaignChecks = (r: {
  impressions: number;
  clicks: number;
  conversions: number;
}): RowIssue[] | undefined => {
  let issues: RowIssue[] | undefined;
  if (r.clicks > r.impressions) (issues ??= []).push({ column: 'clicks', message: 'expected clicks <= impressions' });
  if (r.conversions > r.clicks)
    (issues ??= []).push({ column: 'conversions', message: 'expected conversions <= clicks' });
  return issues;
};

export const eventChecks = (r: { registrations: number; attendees: number }): RowIssue[] | undefined =>
  r.attendees > r.registrations ? [{ column: 'attendees', message: 'expected attendees <= registrations' }] : undefined;

const enrollments = define({
  name: 'enrollments',
  description: 'One row per enrollment in a joint course.',
  columns: [
    { name: 'user_id', required: true, meaning: 'The learner (never stored; only counted)' },
    { name: 'course_id', required: true, meaning: 'The course enrolled in' },
    {
      name: 'enrolled_at',
      required: true,
      meaning: 'ISO 8601 date or date-time; without offset it is local to the cooperation',
    },
    { name: 'channel', required: true, meaning: `How the learner came: ${CHANNELS.join(', ')}` },
    { name: 'amount', required: true, meaning: "Amount paid, >= 0, in the cooperation's currency" },
    { name: 'currency', required: false, meaning: "ISO 4217 code; must be the cooperation's currency when given" },
    { name: 'refunded', required: false, meaning: 'true or false (default false)' },
  ],
  measures: ENROLLMENT.names,
  rowSchema: ({ resolver, currency }) =>
    row({
      user_id: required(identifier()),
      course_id: required(identifier()),
      enrolled_at: required(timestamp(resolver)),
      channel: required(oneOf(CHANNELS)),
      amount: required(decimal({ min: 0 })),
      currency: sameCurrency(currency),
      refunded: optional(boolean()),
    }),
  reads: ['enrolled_at', 'channel', 'amount', 'refunded'],
  dayOf: (row) => row.enrolled_at.day,
  accumulate: (m, row) => {
    const at = ENROLLMENT.at;
    m[at.rows]! += 1;
    if (row.refunded === true) {
      m[at.refunded]! += 1;
      return;
    }
    m[at.enrollments]! += 1;
    m[at.revenue]! += row.amount;
    m[at.revenue_sq]! += row.amount * row.amount;
    if (row.channel !== 'organic') m[at.partner_enrollments]! += 1;
  },
});

const referrals = define({
  name: 'referrals',
  description: 'One row per user referred by the partner named in the key; counted on the referral day.',
  columns: [
    { name: 'user_id', required: true, meaning: 'The referred user (never stored)' },
    { name: 'referred_at', required: true, meaning: 'ISO 8601 date or date-time of the referral' },
    {
      name: 'converted_at',
      required: false,
      meaning: 'When the referral became a paying user; not before referred_at',
    },
    { name: 'revenue', required: false, meaning: 'Revenue from the converted user, >= 0' },
  ],
  measures: REFERRAL.names,
  rowSchema: ({ resolver }) =>
    row(
      {
        user_id: required(identifier()),
        referred_at: required(timestamp(resolver)),
        converted_at: optional(timestamp(resolver)),
        revenue: optional(decimal({ min: 0 })),
      },
      referralChecks,
    ),
  reads: ['referred_at', 'converted_at', 'revenue'],
  dayOf: (row) => row.referred_at.day,
  accumulate: (m, row) => {
    const at = REFERRAL.at;
    m[at.rows]! += 1;
    if (row.converted_at !== undefined) m[at.conversions]! += 1;
    const revenue = row.revenue ?? 0;
    m[at.revenue]! += revenue;
    m[at.revenue_sq]! += revenue * revenue;
  },
});

const campaigns = define({
  name: 'campaigns',
  description: 'Joint advertising: one row per campaign and day.',
  columns: [
    { name: 'date', required: true, meaning: 'The day (YYYY-MM-DD)' },
    { name: 'campaign_id', required: true, meaning: 'The campaign' },
    { name: 'impressions', required: true, meaning: 'Whole number >= 0' },
    { name: 'clicks', required: true, meaning: 'Whole number, not more than impressions' },
    { name: 'conversions', required: true, meaning: 'Whole number, not more than clicks' },
    { name: 'spend', required: true, meaning: "Ad spend >= 0, in the cooperation's currency" },
    { name: 'revenue', required: true, meaning: 'Attributed revenue >= 0' },
  ],
  measures: CAMPAIGN.names,
  rowSchema: ({ resolver }) =>
    row(
      {
        date: required(timestamp(resolver)),
        campaign_id: required(identifier()),
        impressions: required(integer({ min: 0 })),
        clicks: required(integer({ min: 0 })),
        conversions: required(integer({ min: 0 })),
        spend: required(decimal({ min: 0 })),
        revenue: required(decimal({ min: 0 })),
      },
      campaignChecks,
    ),
  reads: ['date', 'impressions', 'clicks', 'conversions', 'spend', 'revenue'],
  dayOf: (row) => row.date.day,
  accumulate: (m, row) => {
    const at = CAMPAIGN.at;
    m[at.rows]! += 1;
    m[at.impressions]! += row.impressions;
    m[at.clicks]! += row.clicks;
    m[at.conversions]! += row.conversions;
    m[at.spend]! += row.spend;
    m[at.revenue]! += row.revenue;
  },
});

const activity = define({
  name: 'activity',
  description: 'User activity per day (the u_i of the effect model).',
  columns: [
    { name: 'user_id', required: true, meaning: 'The user (never stored)' },
    { name: 'date', required: true, meaning: 'The day (YYYY-MM-DD)' },
    { name: 'score', required: true, meaning: 'Activity score from 0 to 1' },
  ],
  measures: ACTIVITY.names,
  rowSchema: ({ resolver }) =>
    row({
      user_id: required(identifier()),
      date: required(timestamp(resolver)),
      score: required(decimal({ min: 0, max: 1 })),
    }),
  reads: ['date', 'score'],
  dayOf: (row) => row.date.day,
  accumulate: (m, row) => {
    const at = ACTIVITY.at;
    m[at.rows]! += 1;
    m[at.score]! += row.score;
    m[at.score_sq]! += row.score * row.score;
  },
});

const feedback = define({
  name: 'feedback',
  description: 'Learner satisfaction: one row per survey answer.',
  columns: [
    { name: 'user_id', required: true, meaning: 'The respondent (never stored)' },
    { name: 'submitted_at', required: true, meaning: 'ISO 8601 date or date-time' },
    { name: 'rating', required: true, meaning: 'Whole number from 1 to 5' },
    { name: 'nps', required: false, meaning: 'Likelihood to recommend, whole number from 0 to 10' },
    { name: 'course_id', required: false, meaning: 'The course rated' },
  ],
  measures: FEEDBACK.names,
  rowSchema: ({ resolver }) =>
    row({
      user_id: required(identifier()),
      submitted_at: required(timestamp(resolver)),
      rating: required(integer({ min: 1, max: 5 })),
      nps: optional(integer({ min: 0, max: 10 })),
      course_id: optional(identifier()),
    }),
  reads: ['submitted_at', 'rating', 'nps'],
  dayOf: (row) => row.submitted_at.day,
  accumulate: (m, row) => {
    const at = FEEDBACK.at;
    m[at.rows]! += 1;
    m[at.rating]! += row.rating;
    m[at.rating_sq]! += row.rating * row.rating;
    if (row.nps !== undefined) {
      m[at.nps_n]! += 1;
      if (row.nps >= 9) m[at.promoters]! += 1;
      else if (row.nps <= 6) m[at.detractors]! += 1;
    }
  },
});

const events = define({
  name: 'events',
  description: 'Open classes, live classes and joint events: one row per event.',
  columns: [
    { name: 'event_id', required: true, meaning: 'The event' },
    { name: 'date', required: true, meaning: 'The day it took place' },
    { name: 'kind', required: true, meaning: `One of ${EVENT_KINDS.join(', ')}` },
    { name: 'registrations', required: true, meaning: 'Whole number >= 0' },
    { name: 'attendees', required: true, meaning: 'Whole number, not more than registrations' },
    { name: 'new_users', required: true, meaning: 'Whole number >= 0 of users new to the partner' },
  ],
  measures: EVENT.names,
  rowSchema: ({ resolver }) =>
    row(
      {
        event_id: required(identifier()),
        date: required(timestamp(resolver)),
        kind: required(oneOf(EVENT_KINDS)),
        registrations: required(integer({ min: 0 })),
        attendees: required(integer({ min: 0 })),
        new_users: required(integer({ min: 0 })),
      },
      eventChecks,
    ),
  reads: ['date', 'registrations', 'attendees', 'new_users'],
  dayOf: (row) => row.date.day,
  accumulate: (m, row) => {
    const at = EVENT.at;
    m[at.rows]! += 1;
    m[at.registrations]! += row.registrations;
    m[at.attendees]! += row.attendees;
    m[at.new_users]! += row.new_users;
  },
});

const brand = define({
  name: 'brand',
  description: 'Brand influence per day (the b_j of the effect model).',
  columns: [
    { name: 'date', required: true, meaning: 'The day' },
    { name: 'influence', required: true, meaning: 'Brand influence index >= 0' },
    { name: 'followers', required: false, meaning: 'Whole number >= 0' },
    { name: 'mentions', required: false, meaning: 'Whole number >= 0' },
  ],
  measures: BRAND.names,
  rowSchema: ({ resolver }) =>
    row({
      date: required(timestamp(resolver)),
      influence: required(decimal({ min: 0 })),
      followers: optional(integer({ min: 0 })),
      mentions: optional(integer({ min: 0 })),
    }),
  reads: ['date', 'influence', 'followers', 'mentions'],
  dayOf: (row) => row.date.day,
  accumulate: (m, row) => {
    const at = BRAND.at;
    m[at.rows]! += 1;
    m[at.influence]! += row.influence;
    m[at.influence_sq]! += row.influence * row.influence;
    m[at.followers]! += row.followers ?? 0;
    m[at.mentions]! += row.mentions ?? 0;
  },
});

const readSeriesId = (value: unknown) => {
  const text = typeof value === 'string' ? value.trim() : value;
  return typeof text === 'string' && SERIES_ID.test(text) ? text : DECLINE;
};

const seriesId = () =>
  withFastPath(
    z.unknown().transform((value, ctx) => {
      const text = readSeriesId(value);
      if (text !== DECLINE) return text;
      ctx.addIssue({ code: 'custom', message: 'expected a series id of letters, digits, _, - or . (at most 64)' });
      return z.NEVER;
    }),
    readSeriesId,
  );

const series = define({
  name: 'series',
  description:
    'Daily business series a partner already tracks, already aggregated (no user rows): the outcomes and controls of the incremental-effect estimate (docs/impact.md).',
  columns: [
    { name: 'date', required: true, meaning: 'The day (YYYY-MM-DD)' },
    { name: 'series', required: true, meaning: 'The series id, e.g. total_enrollments, new_paid_users, revenue' },
    { name: 'value', required: true, meaning: "The day's value (a number; rows of the same day and series add up)" },
  ],
  measures: SERIES.names,
  rowSchema: ({ resolver }) =>
    row({
      date: required(timestamp(resolver)),
      series: required(seriesId()),
      value: required(decimal()),
    }),
  reads: ['date', 'series', 'value'],
  dayOf: (row) => `${row.date.day}${SERIES_KEY_SEPARATOR}${row.series}`,
  accumulate: (m, row) => {
    const at = SERIES.at;
    m[at.rows]! += 1;
    m[at.value]! += row.value;
  },
});

const DEFINITIONS = {
  enrollments,
  referrals,
  campaigns,
  activity,
  feedback,
  events,
  brand,
  series,
} satisfies { readonly [K in DatasetName]: DatasetDefinition<any, string> };

/** Every dataset by name; rows are typed per dataset inside each definition, opaque outside. */
export const DATASETS: { readonly [K in DatasetName]: DatasetDefinition<any, MeasureOf<K>> } = DEFINITIONS;

/**
 * A file's groups (as analyseFile returns them) as measures by name per day. For `series`, the
 * groups of one day (one per series id) become one day's measures: `rows` and `value:<series>`.
 */
export const measuresByDay = (dataset: DatasetName, groups: ReadonlyMap<string, readonly number[]>) => {
  const days = new Map<string, Record<string, number>>();
  for (const [key, values] of groups) {
    const { day, series } = splitGroupKey(key);
    if (series === undefined) {
      days.set(day, namedMeasures(dataset, values));
      continue;
    }
    const measures = days.get(day) ?? { rows: 0 };
    const { rows, value } = namedMeasures('series', values);
    measures.rows = (measures.rows ?? 0) + rows;
    measures[seriesMeasure(series)] = (measures[seriesMeasure(series)] ?? 0) + value;
    days.set(day, measures);
  }
  return days;
};

/** A day's measures by name, from the array the hot path fills. */
export const namedMeasures = <D extends DatasetName>(
  dataset: D,
  values: readonly number[],
): Record<MeasureOf<D>, number> => {
  const names: readonly string[] = DATASET_MEASURES[dataset];
  return Object.fromEntries(names.map((name, i) => [name, values[i] ?? 0])) as Record<MeasureOf<D>, number>;
};

export const requiredColumns = (definition: Pick<DatasetDefinition, 'columns'>): string[] =>
  definition.columns.filter((c) => c.required).map((c) => c.name);

export const knownColumns = (definition: Pick<DatasetDefinition, 'columns'>): string[] =>
  definition.columns.map((c) => c.name);
