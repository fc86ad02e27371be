import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { addDays, DayResolver, daysBetween, daysInMonth } from '../../../shared/time/days';

/** Unwraps a successful parse, failing the test with the reason otherwise. */
const okDay = (resolver: DayResolver, value: string) => {
  const parsed = resolver.dayOf(value);
  if (!parsed.ok) throw new Error(`expected ${value} to parse, got: ${parsed.reason}`);
  return parsed;
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

describe('DayResolver construction', () => {
  it('accepts an IANA zone and refuses an unknown one', () => {
    // Prepare
    const good = 'Europe/Berlin';
    const bad = 'Mars/Olympus_Mons';
    // Act
    const resolver = new DayResolver(good);
    // Assess
    expect(resolver.timezone).toBe(good);
    expect(() => new DayResolver(bad)).toThrow(RangeError);
  });
});

describe('DayResolver.dayOf: accepted shapes', () => {
  const shanghai = new DayResolver('Asia/Shanghai');

  it('keeps an ISO date as the local day, with epochMs at local midnight', () => {
    // Prepare: Asia/Shanghai is UTC+8 all year, so local midnight is 16:00Z the day before.
    const value = '2026-11-15';
    // Act
    const parsed = okDay(shanghai, value);
    // Assess
    expect(parsed.day).toBe('2026-11-15');
    expect(parsed.epochMs).toBe(Date.parse('2026-11-14T16:00:00Z'));
  });

  it.each([
    ['2026-11-15T23:59:59', '2026-11-15T23:59:59+08:00'],
    ['2026-11-15 00:00:00', '2026-11-15T00:00:00+08:00'],
    ['2026-11-15T07:30', '2026-11-15T07:30:00+08:00'],
    ['2026-11-15T07:30:12.123456789', '2026-11-15T07:30:12.123+08:00'],
  ])('reads local date-time %s as a local wall time (same day, placed with the zone offset)', (value, instant) => {
    // Prepare: the instant the wall time denotes, written with the zone's fixed +08:00 offset.
    const expectedEpoch = Date.parse(instant);
    // Act
    const parsed = okDay(shanghai, value);
    // Assess
    expect(parsed.day).toBe('2026-11-15');
    expect(parsed.epochMs).toBe(expectedEpoch);
  });

  it.each([
    // Z, lowercase z, colon and compact offsets, hour-only offset: all the same instant 2026-11-15T15:59:59Z.
    ['2026-11-15T15:59:59Z', '2026-11-15'],
    ['2026-11-15T15:59:59z', '2026-11-15'],
    ['2026-11-15T16:00:00Z', '2026-11-16'],
    ['2026-11-15T23:59:59+08:00', '2026-11-15'],
    ['2026-11-16T00:00:00+08:00', '2026-11-16'],
    ['2026-11-15T10:59:59-0500', '2026-11-15'],
    ['2026-11-15T11:00:00-05', '2026-11-16'],
    ['2026-11-15T21:45:00+05:45', '2026-11-16'],
    ['2026-11-15T21:44:59+05:45', '2026-11-15'],
    ['2026-11-15T00:30:00+14:00', '2026-11-14'],
    ['2026-11-14T13:00:00-11:00', '2026-11-15'],
  ])('converts offset date-time %s to its Asia/Shanghai day %s', (value, day) => {
    // Prepare: expected day = UTC instant + 8 h, computed by hand for each case.
    const expectedEpoch = Date.parse(
      value
        .replace(/z$/, 'Z')
        .replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
        .replace(/([+-]\d{2})$/, '$1:00'),
    );
    // Act
    const parsed = okDay(shanghai, value);
    // Assess
    expect(parsed.day).toBe(day);
    expect(parsed.epochMs).toBe(expectedEpoch);
  });

  it('accepts the calendar edges: leap days, 1970-01-01, 9999-12-31 and 23:59:59', () => {
    // Prepare
    const utc = new DayResolver('UTC');
    const cases = [
      '2024-02-29',
      '2000-02-29',
      '1970-01-01',
      '9999-12-31',
      '2026-12-31T23:59:59',
      '2026-01-01T00:00:00Z',
    ];
    // Act
    const days = cases.map((v) => okDay(utc, v).day);
    // Assess
    expect(days).toEqual(['2024-02-29', '2000-02-29', '1970-01-01', '9999-12-31', '2026-12-31', '2026-01-01']);
  });
});

describe('DayResolver.dayOf: refused values', () => {
  const resolver = new DayResolver('Europe/Berlin');

  it.each([
    '2026-02-30',
    '2026-02-29', // 2026 is not a leap year
    '1900-02-29', // century rule
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '1969-12-31',
    '0000-01-01',
  ])('refuses the impossible or out-of-range calendar date %s', (value) => {
    // Prepare: nothing beyond the value
    // Act
    const parsed = resolver.dayOf(value);
    // Assess
    expect(parsed).toEqual({ ok: false, reason: 'expected a real calendar date between 1970 and 9999' });
  });

  it.each([
    '2026-11-15T24:00:00',
    '2026-11-15T24:00',
    '2026-11-15T23:60:00',
    '2026-11-15T23:59:60',
    '2026-11-15T25:00:00Z',
  ])('refuses the time of day in %s', (value) => {
    // Prepare: nothing beyond the value
    // Act
    const parsed = resolver.dayOf(value);
    // Assess
    expect(parsed).toEqual({ ok: false, reason: 'expected a time of day between 00:00:00 and 23:59:59' });
  });

  it.each([
    '2026-11-15T10:00:00+19:00',
    '2026-11-15T10:00:00-19:00',
    '2026-11-15T10:00:00+05:60',
    '2026-11-15T10:00:00+99',
  ])('refuses the UTC offset in %s', (value) => {
    // Prepare: nothing beyond the value
    // Act
    const parsed = resolver.dayOf(value);
    // Assess
    expect(parsed).toEqual({ ok: false, reason: 'expected a UTC offset between -18:00 and +18:00' });
  });

  it.each([
    '99999-01-01',
    '26-11-15',
    '2026-1-5',
    '2026/11/15',
    '15.11.2026',
    '20261115',
    '2026-11-15T',
    '2026-11-15T10',
    '2026-11-15T10:00:00+5',
    '2026-11-15T10:00:00+05:0',
    '2026-11-15T10:00:00 +05:00',
    '2026-11-15T10:00:00.Z',
    '2026-11-15T10:00:00.1234567890Z',
    '2026-11-15t10:00:00',
    ' 2026-11-15',
    '2026-11-15 ',
    '',
    'yesterday',
    '２０２６-11-15',
  ])('refuses the malformed value %j with the expected-format reason', (value) => {
    // Prepare: nothing beyond the value
    // Act
    const parsed = resolver.dayOf(value);
    // Assess
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(/^expected an ISO 8601 date \(YYYY-MM-DD\) or date-time/);
  });
});

describe('DayResolver.dayOf across DST changes', () => {
  // Europe/Berlin 2026: CET (+01:00) until 2026-03-29T01:00Z, CEST (+02:00) until 2026-10-25T01:00Z, then CET.
  const berlin = new DayResolver('Europe/Berlin');
  // America/New_York 2026: EST (-05:00) until 2026-03-08T07:00Z, EDT (-04:00) until 2026-11-01T06:00Z, then EST.
  const newYork = new DayResolver('America/New_York');

  it.each([
    ['2026-03-28T22:59:59Z', '2026-03-28'], // 23:59:59 CET
    ['2026-03-28T23:00:00Z', '2026-03-29'], // 00:00 CET on the day of the change
    ['2026-03-29T00:59:59Z', '2026-03-29'], // 01:59:59 CET, last second before the jump
    ['2026-03-29T01:00:00Z', '2026-03-29'], // 03:00 CEST
    ['2026-03-29T21:59:59Z', '2026-03-29'], // 23:59:59 CEST
    ['2026-03-29T22:00:00Z', '2026-03-30'], // 00:00 CEST: with the old +01:00 this would still be 03-29
    ['2026-10-24T21:59:59Z', '2026-10-24'], // 23:59:59 CEST
    ['2026-10-24T22:00:00Z', '2026-10-25'], // 00:00 CEST
    ['2026-10-25T00:30:00Z', '2026-10-25'], // 02:30 CEST (first pass)
    ['2026-10-25T01:30:00Z', '2026-10-25'], // 02:30 CET (second pass)
    ['2026-10-25T22:59:59Z', '2026-10-25'], // 23:59:59 CET: with the old +02:00 this would be 10-26
    ['2026-10-25T23:00:00Z', '2026-10-26'], // 00:00 CET
  ])('Europe/Berlin: %s falls on %s', (value, day) => {
    // Prepare: expected days derived by hand from the EU rule (last Sundays of March/October at 01:00Z).
    // Act
    const parsed = okDay(berlin, value);
    // Assess
    expect(parsed.day).toBe(day);
  });

  it.each([
    ['2026-03-08T04:59:59Z', '2026-03-07'], // 23:59:59 EST
    ['2026-03-08T05:00:00Z', '2026-03-08'], // 00:00 EST
    ['2026-03-08T06:59:59Z', '2026-03-08'], // 01:59:59 EST
    ['2026-03-08T07:00:00Z', '2026-03-08'], // 03:00 EDT
    ['2026-03-09T03:59:59Z', '2026-03-08'], // 23:59:59 EDT
    ['2026-03-09T04:00:00Z', '2026-03-09'], // 00:00 EDT: with the old -05:00 this would still be 03-08
    ['2026-11-01T03:59:59Z', '2026-10-31'], // 23:59:59 EDT
    ['2026-11-01T04:00:00Z', '2026-11-01'], // 00:00 EDT
    ['2026-11-01T05:30:00Z', '2026-11-01'], // 01:30 EDT
    ['2026-11-01T06:30:00Z', '2026-11-01'], // 01:30 EST
    ['2026-11-02T04:59:59Z', '2026-11-01'], // 23:59:59 EST: with the old -04:00 this would be 11-02
    ['2026-11-02T05:00:00Z', '2026-11-02'], // 00:00 EST
    ['2026-11-01T01:30:00-04:00', '2026-11-01'],
    ['2026-11-01T01:30:00-05:00', '2026-11-01'],
    ['2026-11-01T00:30:00+01:00', '2026-10-31'], // 2026-10-31T23:30Z = 19:30 EDT
  ])('America/New_York: %s falls on %s', (value, day) => {
    // Prepare: expected days derived by hand from the US rule (2nd Sunday of March, 1st Sunday of November, 02:00 local).
    // Act
    const parsed = okDay(newYork, value);
    // Assess
    expect(parsed.day).toBe(day);
  });

  it('keeps a local wall time on its own date even when it does not exist or exists twice', () => {
    // Prepare: 02:30 on 2026-03-29 does not exist in Berlin; 02:30 on 2026-10-25 happens twice.
    const gap = '2026-03-29T02:30:00';
    const overlap = '2026-10-25T02:30:00';
    // Act
    const a = okDay(berlin, gap);
    const b = okDay(berlin, overlap);
    // Assess: the day is the written date; epochMs stays inside that local day's UTC span.
    expect(a.day).toBe('2026-03-29');
    expect(b.day).toBe('2026-10-25');
    expect(a.epochMs).toBeGreaterThanOrEqual(Date.parse('2026-03-28T23:00:00Z'));
    expect(a.epochMs).toBeLessThan(Date.parse('2026-03-29T22:00:00Z'));
    expect(b.epochMs).toBeGreaterThanOrEqual(Date.parse('2026-10-24T22:00:00Z'));
    expect(b.epochMs).toBeLessThan(Date.parse('2026-10-25T23:00:00Z'));
  });

  it('gives local date-times of one day increasing epochMs away from the DST change', () => {
    // Prepare
    const values = ['2026-07-01T00:00:00', '2026-07-01T08:00:00', '2026-07-01T23:59:59'];
    // Act
    const epochs = values.map((v) => okDay(berlin, v).epochMs);
    // Assess: summer time, so local = UTC + 2 h
    expect(epochs).toEqual([
      Date.parse('2026-06-30T22:00:00Z'),
      Date.parse('2026-07-01T06:00:00Z'),
      Date.parse('2026-07-01T21:59:59Z'),
    ]);
  });
});

describe('DayResolver.dayOf agrees with luxon for instants with offsets (property)', () => {
  const ZONES = [
    'Europe/Berlin',
    'America/New_York',
    'Asia/Shanghai',
    'Asia/Kathmandu',
    'America/St_Johns',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'Pacific/Apia',
    'UTC',
  ] as const;
  // One resolver per zone for the whole run, so its offset cache is shared across samples.
  const resolvers = new Map(ZONES.map((z) => [z, new DayResolver(z)]));

  // DST changes of 2026 (UTC) to sample densely around: Berlin, New York, Lord Howe, Chatham.
  const TRANSITIONS = [
    '2026-03-29T01:00:00Z',
    '2026-10-25T01:00:00Z',
    '2026-03-08T07:00:00Z',
    '2026-11-01T06:00:00Z',
    '2026-04-04T15:00:00Z',
    '2026-10-03T15:30:00Z',
    '2026-04-04T14:00:00Z',
    '2026-09-26T14:00:00Z',
  ].map(Date.parse);

  const HOUR = 3_600_000;
  const instant = fc.oneof(
    fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2100, 0, 1) }),
    fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(9998, 0, 1) }),
    fc.tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -30 * HOUR, max: 30 * HOUR })).map(([t, d]) => t + d),
  );
  const offsetMinutes = fc.oneof(
    fc.integer({ min: -18 * 60, max: 18 * 60 }),
    fc.constantFrom(0, 60, -300, -240, 330, 345, 480, 525, 765, 840, -570),
  );
  const style = fc.constantFrom('colon', 'compact', 'z', 'fraction', 'noSeconds');

  it('gives the same day as DateTime.fromISO(value).setZone(tz).toISODate()', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instant, offsetMinutes, style, (zone, epoch, offset, how) => {
        // Prepare: write the instant as local wall time at the chosen offset.
        const off = how === 'z' ? 0 : offset;
        const ms = how === 'noSeconds' ? epoch - (epoch % 60_000) : how === 'fraction' ? epoch : epoch - (epoch % 1000);
        const wall = new Date(ms + off * 60_000).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
        const sign = off < 0 ? '-' : '+';
        const abs = Math.abs(off);
        const hhmm = `${pad(Math.floor(abs / 60))}${how === 'compact' ? '' : ':'}${pad(abs % 60)}`;
        const time =
          how === 'noSeconds' ? wall.slice(0, 16) : how === 'fraction' ? wall.slice(0, 23) : wall.slice(0, 19);
        const value = `${time}${how === 'z' ? 'Z' : `${sign}${hhmm}`}`;
        const expected = DateTime.fromISO(value).setZone(zone).toISODate();
        // Act
        const parsed = resolvers.get(zone)!.dayOf(value);
        // Assess
        expect(parsed.ok).toBe(true);
        expect(parsed.ok && parsed.day).toBe(expected);
        if (how !== 'fraction') expect(parsed.ok && parsed.epochMs).toBe(ms);
      }),
      { numRuns: 600 },
    );
  });

  it('gives a local date-time its own date and an epochMs within a day of the naive UTC reading', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2100, 0, 1) }),
        (zone, epoch) => {
          // Prepare
          const value = new Date(epoch - (epoch % 1000)).toISOString().slice(0, 19);
          const zoneOffsetMinutes = DateTime.fromISO(value, { zone }).offset;
          // Act
          const parsed = resolvers.get(zone)!.dayOf(value);
          // Assess: the day is the written one; away from DST changes epochMs is the wall time minus luxon's offset.
          expect(parsed.ok && parsed.day).toBe(value.slice(0, 10));
          const naive = Date.parse(`${value}Z`);
          expect(Math.abs((parsed.ok ? parsed.epochMs : 0) - (naive - zoneOffsetMinutes * 60_000))).toBeLessThanOrEqual(
            2 * HOUR,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('DayResolver.dayOf: the fast reader agrees with the regex reading (property)', () => {
  // dayOf tries a hand-written reader first and falls back to the regex path, which words the
  // reasons. Whatever the input, the answer must be the one the regex path alone gives.
  const resolvers = ['Europe/Berlin', 'America/New_York', 'Asia/Shanghai', 'Asia/Kathmandu'].map(
    (z) => new DayResolver(z),
  );
  const slowDayOf = (r: DayResolver, value: string) =>
    (r as unknown as { slowDayOf(v: string): unknown }).slowDayOf(value);

  // Each piece is usually valid and sometimes slightly off, so valid and invalid values both come up often.
  const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) =>
    fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: bad, weight: 1 });
  const twoDigits = (min: number, max: number) => fc.integer({ min, max }).map((n) => pad(n));
  const odd = fc.oneof(
    fc.integer({ min: 0, max: 99 }).map((n) => pad(n)),
    fc.constantFrom('', '0', '000', 'ab', ' 1', '1 '),
  );
  const year = mostly(
    fc.integer({ min: 1970, max: 9999 }).map(String),
    fc.constantFrom('1969', '99999', '197', '0000', '10000', '2o26'),
  );
  const sep = (good: string, ...bad: string[]) => mostly(fc.constant(good), fc.constantFrom(...bad));
  const offset = mostly(
    fc.oneof(
      fc.constantFrom('', 'Z', 'z'),
      fc
        .tuple(fc.constantFrom('+', '-'), twoDigits(0, 18), fc.constantFrom(':', ''), twoDigits(0, 59))
        .map((p) => p.join('')),
      fc.tuple(fc.constantFrom('+', '-'), twoDigits(0, 18)).map((p) => p.join('')),
    ),
    fc.constantFrom('+', '-', '+19:00', '+05:60', '+5', '+05:3', '+05:300', 'Zz', ' Z', '+18:59', '-99', 'GMT'),
  );
  const time = fc.oneof(
    fc.constant(''),
    fc
      .tuple(
        sep('T', 't', '_', 'TT'),
        mostly(twoDigits(0, 23), odd),
        sep(':', '', '.'),
        mostly(twoDigits(0, 59), odd),
        fc.option(
          fc.tuple(sep(':', '.', ''), mostly(twoDigits(0, 59), odd)).map((p) => p.join('')),
          { nil: '' },
        ),
        fc.option(
          fc
            .tuple(sep('.', ',', ''), fc.string({ unit: fc.constantFrom('0', '5', '9'), minLength: 0, maxLength: 11 }))
            .map((p) => p.join('')),
          { nil: '' },
        ),
        offset,
      )
      .map((parts) => parts.join('')),
  );
  const value = fc
    .tuple(
      year,
      sep('-', '/', ''),
      mostly(twoDigits(1, 12), odd),
      sep('-', '/'),
      mostly(twoDigits(1, 31), odd),
      time,
      mostly(fc.constant(''), fc.constantFrom(' ', 'x', '\n')),
    )
    .map((parts) => parts.join(''));

  it('returns exactly what the regex path returns, for valid and invalid values alike', () => {
    fc.assert(
      fc.property(fc.constantFrom(...resolvers), value, (resolver, text) => {
        // Prepare: a fresh resolver for the reference, so the caches of the two cannot meet
        const reference = slowDayOf(new DayResolver(resolver.timezone), text);
        // Act
        const parsed = resolver.dayOf(text);
        // Assess
        expect(parsed).toEqual(reference);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('daysInMonth', () => {
  it.each([
    [2024, 2, 29],
    [2026, 2, 28],
    [2000, 2, 29],
    [1900, 2, 28],
    [2100, 2, 28],
    [2026, 1, 31],
    [2026, 4, 30],
    [2026, 12, 31],
  ])('%i-%i has %i days', (year, month, expected) => {
    // Prepare: expected from the Gregorian rule (div by 4, not by 100 unless by 400)
    // Act
    const n = daysInMonth(year, month);
    // Assess
    expect(n).toBe(expected);
  });

  it('agrees with the day before the 1st of the next month (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1970, max: 9999 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
        // Prepare: Date.UTC with day 0 is the last day of the previous month.
        const expected = new Date(Date.UTC(year, month, 0)).getUTCDate();
        // Act
        const n = daysInMonth(year, month);
        // Assess
        expect(n).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('addDays and daysBetween', () => {
  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2027-01-01', -1, '2026-12-31'],
    ['2026-03-29', 1, '2026-03-30'], // a DST day in Europe: calendar arithmetic is unaffected
    ['2026-11-15', 0, '2026-11-15'],
    ['2026-11-15', -366, '2025-11-14'],
    ['1970-01-01', 365, '1971-01-01'],
  ])('addDays(%s, %i) = %s', (day, n, expected) => {
    // Prepare: expected values counted on a calendar
    // Act
    const result = addDays(day, n);
    // Assess
    expect(result).toBe(expected);
  });

  it.each([
    ['2026-01-01', '2027-01-01', 365],
    ['2024-01-01', '2025-01-01', 366],
    ['2026-11-16', '2026-11-09', -7],
    ['2026-03-23', '2026-03-30', 7],
    ['2026-11-15', '2026-11-15', 0],
  ])('daysBetween(%s, %s) = %i', (from, to, expected) => {
    // Prepare: expected values counted on a calendar
    // Act
    const n = daysBetween(from, to);
    // Assess
    expect(n).toBe(expected);
  });

  it('agree with luxon calendar arithmetic and invert each other (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(9000, 0, 1) }),
        fc.integer({ min: -20_000, max: 20_000 }),
        (epoch, n) => {
          // Prepare
          const day = new Date(epoch).toISOString().slice(0, 10);
          const expected = DateTime.fromISO(day, { zone: 'UTC' }).plus({ days: n }).toISODate();
          // Act
          const later = addDays(day, n);
          // Assess
          expect(later).toBe(expected);
          expect(daysBetween(day, later)).toBe(n);
          expect(addDays(later, -n)).toBe(day);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('DayResolver edges found by review', () => {
  it('refuses offsets past ±18:00, days pushed outside 1970..9999, and keeps milliseconds for ordering', () => {
    // Prepare
    const utc = new DayResolver('UTC');
    const shanghai = new DayResolver('Asia/Shanghai');
    // Act / Assess: by the ISO 8601 limits and the documented 1970..9999 range.
    expect(utc.dayOf('2026-11-15T10:00:00+18:30')).toEqual({
      ok: false,
      reason: 'expected a UTC offset between -18:00 and +18:00',
    });
    expect(utc.dayOf('2026-11-15T10:00:00-18:59').ok).toBe(false);
    expect(utc.dayOf('2026-11-15T10:00:00+18:00').ok).toBe(true);
    expect(shanghai.dayOf('9999-12-31T23:00:00-18:00').ok).toBe(false);
    expect(utc.dayOf('1970-01-01T00:00:00+01:00').ok).toBe(false);
    const early = utc.dayOf('2026-11-02T10:00:00.100Z');
    const late = utc.dayOf('2026-11-02T10:00:00.900Z');
    expect(early.ok && late.ok && late.epochMs - early.epochMs).toBe(800);
  });
});
