import { addDays, DayResolver } from './days';

export type Schedule = 'weekly' | 'monthly';

/** A reporting period: whole local days [startDay, endDay] in the cooperation's timezone. */
export interface Period {
  readonly schedule: Schedule;
  /** `2026-W46` for ISO weeks, `2026-11` for months. */
  readonly label: string;
  readonly startDay: string;
  /** Last day included. */
  readonly endDay: string;
  /** Local midnight starting the period, as an ISO instant with the zone's offset. */
  readonly start: string;
  /** Local midnight after the last day (exclusive end), as an ISO instant. */
  readonly end: string;
}

// Plain date arithmetic on days plus the zone's offset at an instant (DayResolver, which the
// ingest already uses): the report bundle does not load luxon's DateTime for these few operations.
const DAY_MS = 86_400_000;
const resolvers = new Map<string, DayResolver>();
const resolverOf = (timezone: string) => {
  let resolver = resolvers.get(timezone);
  if (!resolver) resolvers.set(timezone, (resolver = new DayResolver(timezone)));
  return resolver;
};
const utcOfDay = (day: string) => Date.parse(`${day}T00:00:00Z`);
const dayOfUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Monday = 1 ... Sunday = 7. */
const isoWeekday = (day: string) => ((new Date(utcOfDay(day)).getUTCDay() + 6) % 7) + 1;

/** The instant of a local day's first moment (local midnight, or the first local time after a skipped midnight). */
const localMidnight = (day: string, timezone: string) => {
  const resolver = resolverOf(timezone);
  const wall = utcOfDay(day);
  let instant = wall - resolver.offsetAt(wall) * 60_000;
  instant = wall - resolver.offsetAt(instant) * 60_000;
  // A midnight skipped by a DST change: the day starts at the first instant whose local day is it.
  if (dayOfUtc(instant + resolver.offsetAt(instant) * 60_000) !== day)
    instant = wall - resolver.offsetAt(wall) * 60_000;
  return instant;
};

/** An instant as ISO 8601 with the zone's offset ("2026-11-16T00:00:00+08:00"; "Z" in UTC), as luxon wrote it. */
const isoInZone = (instant: number, timezone: string) => {
  const offset = resolverOf(timezone).offsetAt(instant);
  const local = new Date(instant + offset * 60_000).toISOString().slice(0, 19);
  if (timezone.toUpperCase() === 'UTC' && offset === 0) return `${local}Z`;
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
};

/** The ISO week label of a day: the week belongs to the year of its Thursday. */
const isoWeekLabel = (day: string) => {
  const thursday = addDays(day, 4 - isoWeekday(day));
  const year = thursday.slice(0, 4);
  const week = Math.floor((utcOfDay(thursday) - utcOfDay(`${year}-01-01`)) / DAY_MS / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
};

const firstOfNextMonth = (day: string) => {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
};

/** The period of a schedule that starts on `startDay` (a Monday, or the first of a month). */
const periodFrom = (startDay: string, schedule: Schedule, timezone: string): Period => {
  const next = schedule === 'weekly' ? addDays(startDay, 7) : firstOfNextMonth(startDay);
  return {
    schedule,
    label: schedule === 'weekly' ? isoWeekLabel(startDay) : startDay.slice(0, 7),
    startDay,
    endDay: addDays(next, -1),
    start: isoInZone(localMidnight(startDay, timezone), timezone),
    end: isoInZone(localMidnight(next, timezone), timezone),
  };
};

const startDayOf = (day: string, schedule: Schedule) =>
  schedule === 'weekly' ? addDays(day, 1 - isoWeekday(day)) : `${day.slice(0, 7)}-01`;

/** The period that contains a local day. */
export const periodOfDay = (day: string, schedule: Schedule, timezone: string): Period =>
  periodFrom(startDayOf(day, schedule), schedule, timezone);

/**
 * The last period that is complete at `instant`: the one before the period containing it.
 * Computed from the instant carried by the event (the scheduled time), never the wall clock,
 * so a retried or late invocation reports the same period.
 */
export const lastCompletePeriod = (instant: Date | string, schedule: Schedule, timezone: string): Period => {
  const current = periodOfDay(localDayOf(instant, timezone), schedule, timezone);
  return periodOfDay(addDays(current.startDay, -1), schedule, timezone);
};

/** The period right before another one. */
export const previousPeriod = (period: Period, timezone: string): Period =>
  periodOfDay(addDays(period.startDay, -1), period.schedule, timezone);

/** Every complete period from the one containing `fromDay` up to the last complete one at `instant`. */
export const completePeriodsSince = (
  fromDay: string,
  instant: Date | string,
  schedule: Schedule,
  timezone: string,
): Period[] => {
  const last = lastCompletePeriod(instant, schedule, timezone);
  const periods: Period[] = [];
  let period = periodOfDay(fromDay, schedule, timezone);
  while (period.startDay <= last.startDay) {
    periods.push(period);
    period = periodOfDay(addDays(period.endDay, 1), schedule, timezone);
  }
  return periods;
};

/** Parses a label (`2026-W46` or `2026-11`) back into its period. */
export const periodOfLabel = (label: string, timezone: string): Period | undefined => {
  const week = /^(\d{4})-W(\d{2})$/.exec(label);
  if (week) {
    // Week 1 is the week with January 4th in it.
    const jan4 = `${week[1]}-01-04`;
    const monday = addDays(jan4, 1 - isoWeekday(jan4) + 7 * (Number(week[2]) - 1));
    return isoWeekLabel(monday) === label ? periodFrom(monday, 'weekly', timezone) : undefined;
  }
  const month = /^(\d{4})-(\d{2})$/.exec(label);
  if (month) {
    const m = Number(month[2]);
    return m >= 1 && m <= 12 ? periodFrom(`${label}-01`, 'monthly', timezone) : undefined;
  }
  return undefined;
};

/** Every period from one label to another (inclusive); empty when a label is invalid or from > to. */
export const periodRange = (fromLabel: string, toLabel: string, timezone: string): Period[] => {
  const first = periodOfLabel(fromLabel, timezone);
  const last = periodOfLabel(toLabel, timezone);
  if (!first || !last || first.schedule !== last.schedule || first.startDay > last.startDay) return [];
  const periods: Period[] = [];
  for (let p = first; p.startDay <= last.startDay; p = periodOfDay(addDays(p.endDay, 1), p.schedule, timezone))
    periods.push(p);
  return periods;
};

/** The local day (YYYY-MM-DD) of an instant in a timezone. */
export const localDayOf = (instant: Date | string, timezone: string): string => {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return dayOfUtc(ms + resolverOf(timezone).offsetAt(ms) * 60_000);
};
