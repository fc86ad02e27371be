import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  completePeriodsSince,
  lastCompletePeriod,
  periodOfDay,
  periodOfLabel,
  previousPeriod,
  type Period,
} from '../../../shared/time/periods';

/**
 * Reference ISO 8601 week, written independently of luxon: the week belongs to the year of its
 * Thursday, and the week number is 1 + (days from that year's first Thursday-containing Monday) / 7.
 */
const isoWeekOf = (day: string) => {
  const t = Date.parse(`${day}T00:00:00Z`);
  const weekday = (new Date(t).getUTCDay() + 6) % 7; // Monday = 0
  const monday = t - weekday * 86_400_000;
  const thursday = monday + 3 * 86_400_000;
  const weekYear = new Date(thursday).getUTCFullYear();
  const jan4 = Date.UTC(weekYear, 0, 4);
  const week1Monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000;
  const week = Math.round((monday - week1Monday) / (7 * 86_400_000)) + 1;
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return {
    label: `${weekYear}-W${String(week).padStart(2, '0')}`,
    startDay: iso(monday),
    endDay: iso(monday + 6 * 86_400_000),
  };
};

const hoursOf = (p: Period) => (Date.parse(p.end) - Date.parse(p.start)) / 3_600_000;

describe('periodOfDay: weekly ISO weeks', () => {
  it('gives 2026-11-11 (a Wednesday) the week 2026-W46, Monday 11-09 to Sunday 11-15, in Asia/Shanghai', () => {
    // Prepare: 2026-01-01 is a Thursday, so W01 starts Monday 2025-12-29; 2026-11-09 is 315 days = 45 weeks later.
    const day = '2026-11-11';
    // Act
    const period = periodOfDay(day, 'weekly', 'Asia/Shanghai');
    // Assess
    expect(period).toEqual({
      schedule: 'weekly',
      label: '2026-W46',
      startDay: '2026-11-09',
      endDay: '2026-11-15',
      start: '2026-11-09T00:00:00+08:00',
      end: '2026-11-16T00:00:00+08:00',
    });
  });

  it.each(['2026-11-09', '2026-11-10', '2026-11-12', '2026-11-13', '2026-11-14', '2026-11-15'])(
    'puts %s (Monday to Sunday) in the same week',
    (day) => {
      // Prepare
      const expected = '2026-W46';
      // Act
      const period = periodOfDay(day, 'weekly', 'Asia/Shanghai');
      // Assess
      expect(period.label).toBe(expected);
      expect(period.startDay).toBe('2026-11-09');
    },
  );

  it.each([
    // 2026 starts on a Thursday, so it has 53 ISO weeks; 2026-12-31 (Thu) and 2027-01-01..03 are in 2026-W53.
    ['2026-12-28', '2026-W53', '2026-12-28'],
    ['2026-12-31', '2026-W53', '2026-12-28'],
    ['2027-01-01', '2026-W53', '2026-12-28'],
    ['2027-01-03', '2026-W53', '2026-12-28'],
    ['2027-01-04', '2027-W01', '2027-01-04'],
    // 2024-12-30 (Mon) starts 2025-W01: the week-year is ahead of the calendar year.
    ['2024-12-30', '2025-W01', '2024-12-30'],
    ['2024-12-29', '2024-W52', '2024-12-23'],
    // 2021-01-03 (Sun) is still in 2020-W53.
    ['2021-01-03', '2020-W53', '2020-12-28'],
    ['2021-01-04', '2021-W01', '2021-01-04'],
  ])('week-year edge: %s is in %s starting %s', (day, label, startDay) => {
    // Prepare: the reference implementation must agree with the hand-derived table
    expect(isoWeekOf(day)).toMatchObject({ label, startDay });
    // Act
    const period = periodOfDay(day, 'weekly', 'Europe/Berlin');
    // Assess
    expect(period.label).toBe(label);
    expect(period.startDay).toBe(startDay);
  });

  it('gives the Berlin spring-forward week 167 hours, with offsets +01:00 at the start and +02:00 at the end', () => {
    // Prepare: CEST starts Sunday 2026-03-29 (last Sunday of March); that week is W13, Mon 03-23 .. Sun 03-29.
    const day = '2026-03-25';
    // Act
    const period = periodOfDay(day, 'weekly', 'Europe/Berlin');
    // Assess
    expect(period).toMatchObject({
      label: '2026-W13',
      startDay: '2026-03-23',
      endDay: '2026-03-29',
      start: '2026-03-23T00:00:00+01:00',
      end: '2026-03-30T00:00:00+02:00',
    });
    expect(hoursOf(period)).toBe(167);
  });

  it('gives the Berlin fall-back week 169 hours, with offsets +02:00 at the start and +01:00 at the end', () => {
    // Prepare: CET resumes Sunday 2026-10-25; that week is W43, Mon 10-19 .. Sun 10-25.
    const day = '2026-10-25';
    // Act
    const period = periodOfDay(day, 'weekly', 'Europe/Berlin');
    // Assess
    expect(period).toMatchObject({
      label: '2026-W43',
      startDay: '2026-10-19',
      endDay: '2026-10-25',
      start: '2026-10-19T00:00:00+02:00',
      end: '2026-10-26T00:00:00+01:00',
    });
    expect(hoursOf(period)).toBe(169);
  });

  it('gives the New York fall-back week 169 hours', () => {
    // Prepare: EST resumes Sunday 2026-11-01, the last day of week Mon 10-26 .. Sun 11-01.
    const day = '2026-10-28';
    // Act
    const period = periodOfDay(day, 'weekly', 'America/New_York');
    // Assess
    expect(period).toMatchObject({
      start: '2026-10-26T00:00:00-04:00',
      end: '2026-11-02T00:00:00-05:00',
      endDay: '2026-11-01',
    });
    expect(hoursOf(period)).toBe(169);
  });

  it('matches the reference ISO week for any day and zone (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2200, 0, 1) }),
        fc.constantFrom('Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'Pacific/Auckland', 'UTC'),
        (epoch, zone) => {
          // Prepare
          const day = new Date(epoch).toISOString().slice(0, 10);
          const expected = isoWeekOf(day);
          // Act
          const period = periodOfDay(day, 'weekly', zone);
          // Assess
          expect(period.label).toBe(expected.label);
          expect(period.startDay).toBe(expected.startDay);
          expect(period.endDay).toBe(expected.endDay);
          expect(period.start.slice(0, 19)).toBe(`${expected.startDay}T00:00:00`);
          expect([167, 168, 169]).toContain(hoursOf(period));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('periodOfDay: monthly', () => {
  it('gives 2026-11-15 the month 2026-11 in Asia/Shanghai', () => {
    // Prepare
    const day = '2026-11-15';
    // Act
    const period = periodOfDay(day, 'monthly', 'Asia/Shanghai');
    // Assess
    expect(period).toEqual({
      schedule: 'monthly',
      label: '2026-11',
      startDay: '2026-11-01',
      endDay: '2026-11-30',
      start: '2026-11-01T00:00:00+08:00',
      end: '2026-12-01T00:00:00+08:00',
    });
  });

  it.each([
    ['2024-02-10', '2024-02', '2024-02-01', '2024-02-29'],
    ['2026-02-28', '2026-02', '2026-02-01', '2026-02-28'],
    ['2026-12-31', '2026-12', '2026-12-01', '2026-12-31'],
    ['2027-01-01', '2027-01', '2027-01-01', '2027-01-31'],
  ])('puts %s in %s (%s .. %s)', (day, label, startDay, endDay) => {
    // Prepare: calendar facts
    // Act
    const period = periodOfDay(day, 'monthly', 'Asia/Shanghai');
    // Assess
    expect(period).toMatchObject({ label, startDay, endDay });
  });

  it('gives a Berlin month with a DST change offsets that differ at start and end', () => {
    // Prepare: March 2026 starts in CET and ends in CEST; it has 31 * 24 - 1 hours.
    const day = '2026-03-15';
    // Act
    const period = periodOfDay(day, 'monthly', 'Europe/Berlin');
    // Assess
    expect(period).toMatchObject({
      label: '2026-03',
      start: '2026-03-01T00:00:00+01:00',
      end: '2026-04-01T00:00:00+02:00',
    });
    expect(hoursOf(period)).toBe(31 * 24 - 1);
  });
});

describe('lastCompletePeriod', () => {
  it('at exactly Monday 00:00 local, the week that just ended is complete', () => {
    // Prepare: 2026-11-16 is the Monday after 2026-W46.
    const at = '2026-11-16T00:00:00+08:00';
    // Act
    const period = lastCompletePeriod(at, 'weekly', 'Asia/Shanghai');
    // Assess
    expect(period.label).toBe('2026-W46');
    expect(period.startDay).toBe('2026-11-09');
  });

  it('one millisecond before Monday 00:00 local, the week before is the last complete one', () => {
    // Prepare
    const at = '2026-11-15T23:59:59.999+08:00';
    // Act
    const period = lastCompletePeriod(at, 'weekly', 'Asia/Shanghai');
    // Assess
    expect(period.label).toBe('2026-W45');
  });

  it('reads instants in any offset and as Date objects by the cooperation timezone', () => {
    // Prepare: 2026-11-15T16:00:00Z is Monday 00:00 in Shanghai, but still Sunday 17:00 in Berlin.
    const atUtc = '2026-11-15T16:00:00Z';
    const justBefore = new Date(Date.parse(atUtc) - 1);
    // Act
    const shanghai = lastCompletePeriod(atUtc, 'weekly', 'Asia/Shanghai');
    const shanghaiBefore = lastCompletePeriod(justBefore, 'weekly', 'Asia/Shanghai');
    const berlin = lastCompletePeriod(new Date(atUtc), 'weekly', 'Europe/Berlin');
    // Assess
    expect(shanghai.label).toBe('2026-W46');
    expect(shanghaiBefore.label).toBe('2026-W45');
    expect(berlin.label).toBe('2026-W45');
  });

  it('uses the local Monday boundary in Berlin (23:00Z on Sunday in winter, 22:00Z in summer)', () => {
    // Prepare
    const winterBoundary = '2026-11-15T23:00:00Z';
    const summerBoundary = '2026-07-12T22:00:00Z'; // Monday 2026-07-13 00:00 CEST
    // Act
    const winter = lastCompletePeriod(winterBoundary, 'weekly', 'Europe/Berlin');
    const winterBefore = lastCompletePeriod('2026-11-15T22:59:59Z', 'weekly', 'Europe/Berlin');
    const summer = lastCompletePeriod(summerBoundary, 'weekly', 'Europe/Berlin');
    const summerBefore = lastCompletePeriod('2026-07-12T21:59:59Z', 'weekly', 'Europe/Berlin');
    // Assess
    expect(winter.label).toBe('2026-W46');
    expect(winterBefore.label).toBe('2026-W45');
    expect(summer).toMatchObject({ label: isoWeekOf('2026-07-06').label, startDay: '2026-07-06' });
    expect(summerBefore.startDay).toBe('2026-06-29');
  });

  it('after a DST week, the complete week is the 169-hour one', () => {
    // Prepare: Monday 2026-10-26 00:00 CET = 2026-10-25T23:00Z.
    const at = '2026-10-25T23:00:00Z';
    // Act
    const period = lastCompletePeriod(at, 'weekly', 'Europe/Berlin');
    // Assess
    expect(period).toMatchObject({
      label: '2026-W43',
      start: '2026-10-19T00:00:00+02:00',
      end: '2026-10-26T00:00:00+01:00',
    });
  });

  it('crosses the ISO week-year: at Monday 2027-01-04 00:00 the complete week is 2026-W53', () => {
    // Prepare
    const at = '2027-01-04T00:00:00+01:00';
    // Act
    const period = lastCompletePeriod(at, 'weekly', 'Europe/Berlin');
    // Assess
    expect(period).toMatchObject({ label: '2026-W53', startDay: '2026-12-28', endDay: '2027-01-03' });
  });

  it.each([
    ['2026-12-01T00:00:00+08:00', '2026-11'],
    ['2026-11-30T23:59:59+08:00', '2026-10'],
    ['2027-01-01T00:00:00+08:00', '2026-12'],
    ['2026-12-31T16:00:00Z', '2026-12'], // = 2027-01-01 00:00 in Shanghai
    ['2026-12-31T15:59:59Z', '2026-11'],
    ['2026-03-01T00:00:00+08:00', '2026-02'],
  ])('monthly: at %s the last complete month is %s', (at, label) => {
    // Prepare: labels by hand
    // Act
    const period = lastCompletePeriod(at, 'monthly', 'Asia/Shanghai');
    // Assess
    expect(period.label).toBe(label);
  });

  it('is always the period right before the one containing the instant (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1972, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.constantFrom('weekly', 'monthly') as fc.Arbitrary<'weekly' | 'monthly'>,
        fc.constantFrom('Asia/Shanghai', 'Europe/Berlin', 'America/New_York'),
        (epoch, schedule, zone) => {
          // Prepare
          const instant = new Date(epoch);
          // Act
          const period = lastCompletePeriod(instant, schedule, zone);
          // Assess: it ended at or before the instant, and the next one has not ended yet.
          expect(Date.parse(period.end)).toBeLessThanOrEqual(epoch);
          const dayAfter = new Date(Date.parse(`${period.endDay}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
          const next = periodOfDay(dayAfter, schedule, zone);
          expect(Date.parse(next.start)).toBe(Date.parse(period.end));
          expect(Date.parse(next.end)).toBeGreaterThan(epoch);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('previousPeriod', () => {
  it.each([
    ['2027-W01', '2026-W53', 'Europe/Berlin'],
    ['2026-W01', '2025-W52', 'Europe/Berlin'],
    ['2026-01', '2025-12', 'Asia/Shanghai'],
    ['2026-03', '2026-02', 'Asia/Shanghai'],
  ])('the period before %s is %s', (label, expected, zone) => {
    // Prepare
    const period = periodOfLabel(label, zone)!;
    // Act
    const previous = previousPeriod(period, zone);
    // Assess
    expect(previous.label).toBe(expected);
    expect(previous.end).toBe(period.start);
  });
});

describe('completePeriodsSince', () => {
  it('lists the seven weeks of the example from its start to the week before --as-of', () => {
    // Prepare: starts Monday 2026-10-05 (W41); as of Monday 2026-11-23 06:00 the last complete week is W47.
    const from = '2026-10-05';
    const at = '2026-11-23T06:00:00+08:00';
    // Act
    const periods = completePeriodsSince(from, at, 'weekly', 'Asia/Shanghai');
    // Assess
    expect(periods.map((p) => p.label)).toEqual([
      '2026-W41',
      '2026-W42',
      '2026-W43',
      '2026-W44',
      '2026-W45',
      '2026-W46',
      '2026-W47',
    ]);
    for (let i = 1; i < periods.length; i += 1) expect(periods[i]!.start).toBe(periods[i - 1]!.end);
  });

  it('starts with the period containing a mid-period start day', () => {
    // Prepare
    const from = '2026-10-07';
    // Act
    const periods = completePeriodsSince(from, '2026-10-19T00:00:00+08:00', 'weekly', 'Asia/Shanghai');
    // Assess
    expect(periods.map((p) => p.startDay)).toEqual(['2026-10-05', '2026-10-12']);
  });

  it('is empty when no period since the start is complete yet', () => {
    // Prepare
    const from = '2026-11-18';
    // Act
    const periods = completePeriodsSince(from, '2026-11-22T23:59:59+08:00', 'weekly', 'Asia/Shanghai');
    // Assess
    expect(periods).toEqual([]);
  });

  it('crosses a year and a DST change for monthly periods', () => {
    // Prepare
    const from = '2026-09-20';
    // Act
    const periods = completePeriodsSince(from, '2027-04-01T00:00:00+02:00', 'monthly', 'Europe/Berlin');
    // Assess
    expect(periods.map((p) => p.label)).toEqual([
      '2026-09',
      '2026-10',
      '2026-11',
      '2026-12',
      '2027-01',
      '2027-02',
      '2027-03',
    ]);
    expect(periods.find((p) => p.label === '2026-10')).toMatchObject({
      start: '2026-10-01T00:00:00+02:00',
      end: '2026-11-01T00:00:00+01:00',
    });
  });
});

describe('periodOfLabel', () => {
  it.each([
    ['2026-W46', 'Asia/Shanghai', '2026-11-09'],
    ['2026-W53', 'Europe/Berlin', '2026-12-28'],
    ['2025-W01', 'Europe/Berlin', '2024-12-30'],
    ['2026-11', 'Asia/Shanghai', '2026-11-01'],
    ['2024-02', 'America/New_York', '2024-02-01'],
  ])('parses %s back to the period that starts on %s', (label, zone, startDay) => {
    // Prepare
    const expected = periodOfDay(startDay, label.includes('W') ? 'weekly' : 'monthly', zone);
    // Act
    const period = periodOfLabel(label, zone);
    // Assess
    expect(period).toEqual(expected);
    expect(period?.startDay).toBe(startDay);
  });

  it.each([
    '2027-W53',
    '2026-W54',
    '2026-W00',
    '2026-13',
    '2026-00',
    '2026-W1',
    '2026-1',
    'W46',
    '2026-11-01',
    '',
    'last week',
  ])('refuses %j', (label) => {
    // Prepare: 2027 starts on a Friday and is not a leap year, so it has only 52 ISO weeks
    // Act
    const period = periodOfLabel(label, 'Europe/Berlin');
    // Assess
    expect(period).toBeUndefined();
  });

  it('round-trips every period through its label (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2200, 0, 1) }),
        fc.constantFrom('weekly', 'monthly') as fc.Arbitrary<'weekly' | 'monthly'>,
        fc.constantFrom('Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'Australia/Sydney'),
        (epoch, schedule, zone) => {
          // Prepare
          const day = new Date(epoch).toISOString().slice(0, 10);
          const period = periodOfDay(day, schedule, zone);
          // Act
          const parsed = periodOfLabel(period.label, zone);
          // Assess
          expect(parsed).toEqual(period);
          expect(period.startDay <= day && day <= period.endDay).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
