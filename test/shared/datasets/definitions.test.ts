import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATASETS, knownColumns, requiredColumns } from '../../../shared/datasets/definitions';
import { DATASET_NAMES, isDatasetName, splitGroupKey, type DatasetName } from '../../../shared/datasets/names';
import { DayResolver } from '../../../shared/time/days';

const context = { resolver: new DayResolver('Asia/Shanghai'), currency: 'CNY' };
const schemaOf = (name: DatasetName) => DATASETS[name].rowSchema(context);

/** A valid row per dataset as CSV gives it (all strings, optional cells empty or filled). */
const CSV_ROWS: Record<DatasetName, Record<string, string>> = {
  enrollments: {
    user_id: 'u-1',
    course_id: 'ai-101',
    enrolled_at: '2026-11-02T10:00:00+08:00',
    channel: 'ad',
    amount: '199.00',
    currency: 'CNY',
    refunded: 'false',
  },
  referrals: { user_id: 'u-2', referred_at: '2026-11-02', converted_at: '2026-11-03T09:00:00', revenue: '88.5' },
  campaigns: {
    date: '2026-11-02',
    campaign_id: 'cmp-1',
    impressions: '1000',
    clicks: '50',
    conversions: '5',
    spend: '100.5',
    revenue: '300',
  },
  activity: { user_id: 'u-3', date: '2026-11-02', score: '0.75' },
  feedback: { user_id: 'u-4', submitted_at: '2026-11-02T23:59:59', rating: '5', nps: '10', course_id: 'ai-101' },
  events: {
    event_id: 'ev-1',
    date: '2026-11-02',
    kind: 'live',
    registrations: '100',
    attendees: '60',
    new_users: '20',
  },
  brand: { date: '2026-11-02', influence: '12.5', followers: '', mentions: '' },
  series: { date: '2026-11-02', series: 'total_enrollments', value: '1234' },
};

/** A valid row per dataset as JSON gives it (numbers, booleans, nulls, missing optional keys). */
const JSON_ROWS: Record<DatasetName, Record<string, unknown>> = {
  enrollments: {
    user_id: 1001,
    course_id: 'ai-101',
    enrolled_at: '2026-11-02',
    channel: 'organic',
    amount: 0,
    refunded: true,
  },
  referrals: { user_id: 'u-2', referred_at: '2026-11-02T02:00:00Z', converted_at: null, revenue: null },
  campaigns: { date: '2026-11-02', campaign_id: 7, impressions: 0, clicks: 0, conversions: 0, spend: 0, revenue: 0 },
  activity: { user_id: 'u-3', date: '2026-11-02', score: 1 },
  feedback: { user_id: 'u-4', submitted_at: '2026-11-02', rating: 1, nps: null },
  events: { event_id: 'ev-1', date: '2026-11-02', kind: 'competition', registrations: 5, attendees: 5, new_users: 0 },
  brand: { date: '2026-11-02', influence: 0, followers: 10, mentions: 3 },
  series: { date: '2026-11-02', series: 'revenue', value: -12.5 },
};

describe('dataset definitions: shape', () => {
  it('defines every dataset name, with required columns listed first-class', () => {
    // Prepare
    const names = Object.keys(DATASETS);
    // Act
    const requiredOfEnrollments = requiredColumns(DATASETS.enrollments);
    const knownOfBrand = knownColumns(DATASETS.brand);
    // Assess
    expect(names.sort()).toEqual([...DATASET_NAMES].sort());
    expect(requiredOfEnrollments).toEqual(['user_id', 'course_id', 'enrolled_at', 'channel', 'amount']);
    expect(knownOfBrand).toEqual(['date', 'influence', 'followers', 'mentions']);
    expect(isDatasetName('enrollments')).toBe(true);
    expect(isDatasetName('Enrollments')).toBe(false);
    expect(isDatasetName('toString')).toBe(false);
  });
});

describe('dataset row schemas accept valid rows', () => {
  it.each(DATASET_NAMES)('%s accepts a CSV-style row of strings', (name) => {
    // Prepare
    const row = CSV_ROWS[name];
    // Act
    const result = schemaOf(name).safeParse(row);
    // Assess
    expect(result.error?.issues).toBeUndefined();
    expect(splitGroupKey(DATASETS[name].dayOf(result.data)).day).toBe('2026-11-02');
  });

  it.each(DATASET_NAMES)('%s accepts a JSON-style row', (name) => {
    // Prepare
    const row = JSON_ROWS[name];
    // Act
    const result = schemaOf(name).safeParse(row);
    // Assess
    expect(result.error?.issues).toBeUndefined();
    expect(splitGroupKey(DATASETS[name].dayOf(result.data)).day).toBe('2026-11-02');
  });

  it('reads the CSV enrollments row into typed values', () => {
    // Prepare
    const row = { ...CSV_ROWS.enrollments, currency: ' cny ', refunded: 'TRUE', extra_column: 'ignored' };
    // Act
    const data = schemaOf('enrollments').parse(row);
    // Assess
    expect(data).toEqual({
      user_id: 'u-1',
      course_id: 'ai-101',
      enrolled_at: { ok: true, day: '2026-11-02', epochMs: Date.parse('2026-11-02T02:00:00Z') },
      channel: 'ad',
      amount: 199,
      currency: 'CNY',
      refunded: true,
    });
  });

  it('accepts a referral converted at the same instant it was referred, written in another offset', () => {
    // Prepare
    const row = { user_id: 'u', referred_at: '2026-11-02T10:00:00+08:00', converted_at: '2026-11-02T02:00:00Z' };
    // Act
    const result = schemaOf('referrals').safeParse(row);
    // Assess
    expect(result.success).toBe(true);
  });

  it('accepts clicks = impressions, conversions = clicks and attendees = registrations', () => {
    // Prepare
    const campaign = { ...CSV_ROWS.campaigns, impressions: '7', clicks: '7', conversions: '7' };
    const event = { ...CSV_ROWS.events, registrations: '9', attendees: '9' };
    // Act
    const results = [schemaOf('campaigns').safeParse(campaign), schemaOf('events').safeParse(event)];
    // Assess
    expect(results.map((r) => r.success)).toEqual([true, true]);
  });
});

/** [dataset, override of the CSV row, column the error names, message]. */
const REJECTIONS: [DatasetName, Record<string, unknown>, string, RegExp][] = [
  ['enrollments', { amount: '1e309' }, 'amount', /^expected a number >= 0$/],
  ['enrollments', { amount: 'NaN' }, 'amount', /^expected a number >= 0$/],
  ['enrollments', { amount: '0x10' }, 'amount', /^expected a number >= 0$/],
  ['enrollments', { amount: 'Infinity' }, 'amount', /^expected a number >= 0$/],
  ['enrollments', { amount: '-0.01' }, 'amount', /^expected a number >= 0$/],
  ['enrollments', { amount: Number.NaN }, 'amount', /^expected a number >= 0$/],
  ['enrollments', { amount: Number.POSITIVE_INFINITY }, 'amount', /^expected a number >= 0$/],
  ['enrollments', { amount: '' }, 'amount', /^missing required value$/],
  ['enrollments', { user_id: '  ' }, 'user_id', /^missing required value$/],
  ['enrollments', { course_id: undefined }, 'course_id', /^missing required value$/],
  ['enrollments', { enrolled_at: '2026-02-30' }, 'enrolled_at', /real calendar date/],
  ['enrollments', { enrolled_at: '02/11/2026' }, 'enrolled_at', /ISO 8601/],
  ['enrollments', { channel: 'tv' }, 'channel', /^expected one of referral, ad, event, organic, co_brand$/],
  ['enrollments', { currency: 'USD' }, 'currency', /^expected CNY, the cooperation's currency$/],
  ['enrollments', { currency: 'RMB¥' }, 'currency', /ISO 4217/],
  ['enrollments', { refunded: 'yes' }, 'refunded', /^expected true or false$/],
  [
    'referrals',
    { converted_at: '2026-11-01T23:59:59' },
    'converted_at',
    /^expected converted_at not before referred_at$/,
  ],
  [
    'referrals',
    { referred_at: '2026-11-02T10:00:00+08:00', converted_at: '2026-11-02T01:59:59Z' },
    'converted_at',
    /not before referred_at/,
  ],
  ['referrals', { revenue: '-1' }, 'revenue', /^expected a number >= 0$/],
  ['referrals', { referred_at: '' }, 'referred_at', /^missing required value$/],
  ['campaigns', { clicks: '1001' }, 'clicks', /^expected clicks <= impressions$/],
  ['campaigns', { conversions: '51' }, 'conversions', /^expected conversions <= clicks$/],
  ['campaigns', { impressions: '1000.5' }, 'impressions', /^expected a whole number >= 0$/],
  ['campaigns', { impressions: '99999999999999999999' }, 'impressions', /^expected a whole number >= 0$/],
  ['campaigns', { spend: '-5' }, 'spend', /^expected a number >= 0$/],
  ['campaigns', { revenue: '1e3' }, 'revenue', /^expected a number >= 0$/],
  ['activity', { score: '1.01' }, 'score', /^expected a number from 0 to 1$/],
  ['activity', { score: '-0.01' }, 'score', /^expected a number from 0 to 1$/],
  ['feedback', { rating: '0' }, 'rating', /^expected a whole number from 1 to 5$/],
  ['feedback', { rating: '6' }, 'rating', /^expected a whole number from 1 to 5$/],
  ['feedback', { rating: '4.5' }, 'rating', /^expected a whole number from 1 to 5$/],
  ['feedback', { nps: '11' }, 'nps', /^expected a whole number from 0 to 10$/],
  ['events', { attendees: '101' }, 'attendees', /^expected attendees <= registrations$/],
  ['events', { kind: 'webinar' }, 'kind', /^expected one of open_class, live, offline, competition$/],
  ['events', { new_users: '-1' }, 'new_users', /^expected a whole number >= 0$/],
  ['brand', { influence: '' }, 'influence', /^missing required value$/],
  ['brand', { followers: '1.5' }, 'followers', /^expected a whole number >= 0$/],
  ['brand', { mentions: 'many' }, 'mentions', /^expected a whole number >= 0$/],
];

describe('dataset row schemas reject invalid rows', () => {
  it.each(REJECTIONS)('%s with %j is rejected on column %s', (name, override, column, message) => {
    // Prepare
    const row: Record<string, unknown> = { ...CSV_ROWS[name], ...override };
    for (const [k, v] of Object.entries(override)) if (v === undefined) delete row[k];
    // Act
    const result = schemaOf(name).safeParse(row);
    // Assess
    expect(result.success).toBe(false);
    const issues = result.error!.issues;
    expect(issues.map((i) => String(i.path[0]))).toEqual([column]);
    expect(issues[0]!.message).toMatch(message);
  });

  it('reports clicks > impressions and conversions > clicks together', () => {
    // Prepare
    const row = { ...CSV_ROWS.campaigns, impressions: '10', clicks: '20', conversions: '30' };
    // Act
    const result = schemaOf('campaigns').safeParse(row);
    // Assess
    expect(result.error?.issues.map((i) => i.path[0]).sort()).toEqual(['clicks', 'conversions']);
  });

  it('reports each bad column of a row', () => {
    // Prepare
    const row = { user_id: '', course_id: 'c', enrolled_at: 'soon', channel: 'tv', amount: '-1' };
    // Act
    const result = schemaOf('enrollments').safeParse(row);
    // Assess
    expect(result.error?.issues.map((i) => i.path[0]).sort()).toEqual(['amount', 'channel', 'enrolled_at', 'user_id']);
  });

  it('never repeats the offending value or the user id in a message', () => {
    // Prepare: distinctive strings that would be easy to spot if echoed.
    const secretUser = 'SECRET-USER-8Q7Z';
    const cases: [DatasetName, Record<string, unknown>][] = [
      [
        'enrollments',
        {
          user_id: secretUser,
          amount: '-777.4242',
          channel: 'SECRET-CHANNEL',
          enrolled_at: 'SECRET-DATE',
          refunded: 'SECRET-BOOL',
          currency: 'XQZ',
        },
      ],
      ['enrollments', { user_id: secretUser, amount: '4242e4242' }],
      [
        'referrals',
        {
          user_id: secretUser,
          referred_at: '2026-11-05T13:37:42',
          converted_at: '2026-11-04T13:37:42',
          revenue: 'SECRET-REV',
        },
      ],
      ['campaigns', { campaign_id: secretUser, impressions: '4242', clicks: '4343', conversions: '4444' }],
      ['activity', { user_id: secretUser, score: '4242.4242' }],
      ['feedback', { user_id: secretUser, rating: '4242', nps: '-4242' }],
      ['events', { event_id: secretUser, kind: 'SECRET-KIND', registrations: '4242', attendees: '4343' }],
      ['brand', { date: '4242-42-42', influence: '-4242', followers: 'SECRET-F' }],
    ];
    for (const [name, override] of cases) {
      // Act
      const result = schemaOf(name).safeParse({ ...CSV_ROWS[name], ...override });
      // Assess
      expect(result.success).toBe(false);
      const messages = result.error!.issues.map((i) => i.message).join('\n');
      expect(messages).not.toMatch(/SECRET|4242|4343|4444|777|XQZ|13:37/);
    }
  });
});

describe('accumulate sums rows into the measures', () => {
  it('leaves refunded enrollments out of enrollments and revenue, and organic ones out of partner enrollments', () => {
    // Prepare
    const def = DATASETS.enrollments;
    const schema = schemaOf('enrollments');
    const rows = [
      { ...CSV_ROWS.enrollments, amount: '100', channel: 'ad', refunded: '' },
      { ...CSV_ROWS.enrollments, amount: '50', channel: 'organic', refunded: 'false' },
      { ...CSV_ROWS.enrollments, amount: '30', channel: 'referral', refunded: 'true' },
    ];
    const m = new Array(def.measures.length).fill(0);
    // Act
    for (const row of rows) def.accumulate(m, schema.parse(row));
    // Assess: rows 3, enrollments 2, revenue 150, revenue_sq 100^2 + 50^2, partner 1 (ad), refunded 1
    expect(def.measures).toEqual(['rows', 'enrollments', 'revenue', 'revenue_sq', 'partner_enrollments', 'refunded']);
    expect(m).toEqual([3, 2, 150, 12_500, 1, 1]);
  });

  it('buckets NPS answers into promoters (9-10), passives (7-8) and detractors (0-6)', () => {
    // Prepare
    const def = DATASETS.feedback;
    const schema = schemaOf('feedback');
    const answers = ['10', '9', '8', '7', '6', '0', ''];
    const m = new Array(def.measures.length).fill(0);
    // Act
    for (const nps of answers) def.accumulate(m, schema.parse({ ...CSV_ROWS.feedback, rating: '4', nps }));
    // Assess: 7 rows, rating 28, rating_sq 112, 6 answers, 2 promoters, 2 detractors
    expect(m).toEqual([7, 28, 112, 6, 2, 2]);
  });

  /** Generators of valid CSV rows together with their contribution, computed here from the generated numbers. */
  const dayArb = fc.integer({ min: 1, max: 7 }).map((d) => `2026-11-0${d}`);
  const timeArb = fc.oneof(
    fc.constant(''),
    fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, mi]) => `T${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:00`),
  );
  const moneyArb = fc.integer({ min: 0, max: 10_000_000 }).map((cents) => (cents / 100).toFixed(2));
  const countArb = fc.integer({ min: 0, max: 1_000_000 });

  type Gen = { row: Record<string, string>; day: string; m: number[] };
  const GENERATORS: Record<DatasetName, fc.Arbitrary<Gen>> = {
    enrollments: fc
      .record({
        day: dayArb,
        time: timeArb,
        amount: moneyArb,
        channel: fc.constantFrom('referral', 'ad', 'event', 'organic', 'co_brand'),
        refunded: fc.constantFrom('', 'true', 'false'),
      })
      .map(({ day, time, amount, channel, refunded }) => {
        const a = Number(amount);
        const isRefunded = refunded === 'true';
        return {
          row: { user_id: 'u', course_id: 'c', enrolled_at: `${day}${time}`, channel, amount, refunded },
          day,
          m: [
            1,
            isRefunded ? 0 : 1,
            isRefunded ? 0 : a,
            isRefunded ? 0 : a * a,
            !isRefunded && channel !== 'organic' ? 1 : 0,
            isRefunded ? 1 : 0,
          ],
        };
      }),
    referrals: fc
      .record({ day: dayArb, converted: fc.boolean(), revenue: fc.option(moneyArb, { nil: undefined }) })
      .map(({ day, converted, revenue }) => {
        const r = revenue === undefined ? 0 : Number(revenue);
        return {
          row: {
            user_id: 'u',
            referred_at: day,
            converted_at: converted ? `${day}T23:00:00` : '',
            revenue: revenue ?? '',
          },
          day,
          m: [1, converted ? 1 : 0, r, r * r],
        };
      }),
    campaigns: fc
      .record({
        day: dayArb,
        impressions: countArb,
        clickShare: fc.double({ min: 0, max: 1, noNaN: true }),
        convShare: fc.double({ min: 0, max: 1, noNaN: true }),
        spend: moneyArb,
        revenue: moneyArb,
      })
      .map(({ day, impressions, clickShare, convShare, spend, revenue }) => {
        const clicks = Math.floor(impressions * clickShare);
        const conversions = Math.floor(clicks * convShare);
        return {
          row: {
            date: day,
            campaign_id: 'c',
            impressions: String(impressions),
            clicks: String(clicks),
            conversions: String(conversions),
            spend,
            revenue,
          },
          day,
          m: [1, impressions, clicks, conversions, Number(spend), Number(revenue)],
        };
      }),
    activity: fc.record({ day: dayArb, milli: fc.integer({ min: 0, max: 1000 }) }).map(({ day, milli }) => {
      const text = (milli / 1000).toFixed(3);
      const s = Number(text);
      return { row: { user_id: 'u', date: day, score: text }, day, m: [1, s, s * s] };
    }),
    feedback: fc
      .record({
        day: dayArb,
        rating: fc.integer({ min: 1, max: 5 }),
        nps: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
      })
      .map(({ day, rating, nps }) => ({
        row: { user_id: 'u', submitted_at: day, rating: String(rating), nps: nps === undefined ? '' : String(nps) },
        day,
        m: [
          1,
          rating,
          rating * rating,
          nps === undefined ? 0 : 1,
          nps !== undefined && nps >= 9 ? 1 : 0,
          nps !== undefined && nps <= 6 ? 1 : 0,
        ],
      })),
    events: fc
      .record({
        day: dayArb,
        registrations: countArb,
        share: fc.double({ min: 0, max: 1, noNaN: true }),
        newUsers: countArb,
        kind: fc.constantFrom('open_class', 'live', 'offline', 'competition'),
      })
      .map(({ day, registrations, share, newUsers, kind }) => {
        const attendees = Math.floor(registrations * share);
        return {
          row: {
            event_id: 'e',
            date: day,
            kind,
            registrations: String(registrations),
            attendees: String(attendees),
            new_users: String(newUsers),
          },
          day,
          m: [1, registrations, attendees, newUsers],
        };
      }),
    brand: fc
      .record({
        day: dayArb,
        influence: moneyArb,
        followers: fc.option(countArb, { nil: undefined }),
        mentions: fc.option(countArb, { nil: undefined }),
      })
      .map(({ day, influence, followers, mentions }) => {
        const b = Number(influence);
        return {
          row: {
            date: day,
            influence,
            followers: followers === undefined ? '' : String(followers),
            mentions: mentions === undefined ? '' : String(mentions),
          },
          day,
          m: [1, b, b * b, followers ?? 0, mentions ?? 0],
        };
      }),
    // A series row groups by day and series id: the group key the definition gives is checked here by hand.
    series: fc
      .record({ day: dayArb, id: fc.constantFrom('total_enrollments', 'revenue', 'new.paid-users'), value: moneyArb })
      .map(({ day, id, value }) => ({
        row: { date: day, series: id, value },
        day: `${day}|${id}`,
        m: [1, Number(value)],
      })),
  };

  it.each(DATASET_NAMES)('%s: accumulating random valid rows equals the direct per-day sum (property)', (name) => {
    const def = DATASETS[name];
    const schema = schemaOf(name);
    fc.assert(
      fc.property(fc.array(GENERATORS[name], { maxLength: 40 }), (generated) => {
        // Prepare: the expected per-day sums, added up directly from the generated numbers.
        const expected = new Map<string, number[]>();
        for (const g of generated) {
          const sums = expected.get(g.day) ?? new Array(def.measures.length).fill(0);
          g.m.forEach((v, i) => (sums[i] += v));
          expected.set(g.day, sums);
        }
        // Act
        const actual = new Map<string, number[]>();
        for (const g of generated) {
          const row = schema.parse(g.row);
          const day = def.dayOf(row);
          const measures = actual.get(day) ?? new Array(def.measures.length).fill(0);
          def.accumulate(measures, row);
          actual.set(day, measures);
        }
        // Assess
        expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
        for (const [day, sums] of expected) {
          const got = actual.get(day)!;
          expect(got).toHaveLength(def.measures.length);
          sums.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
        }
      }),
      { numRuns: 60 },
    );
  });
});
