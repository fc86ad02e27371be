import { DateTime } from 'luxon';
import { addDays } from './days';

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

const startOf = (dt: DateTime, schedule: Schedule): DateTime =>
  schedule === 'weekly' ? dt.startOf('week') : dt.startOf('month');

const periodAt = (localStart: DateTime, schedule: Schedule): Period => {
  const next = schedule === 'weekly' ? localStart.plus({ weeks: 1 }) : localStart.plus({ months: 1 });
  const startDay = localStart.toISODate()!;
  return {
    schedule,
    label: schedule === 'weekly' ? localStart.toFormat("kkkk-'W'WW") : localStart.toFormat('yyyy-MM'),
    startDay,
    endDay: addDays(next.toISODate()!, -1),
    start: localStart.toISO({ suppressMilliseconds: true })!,
    end: next.toISO({ suppressMilliseconds: true })!,
  };
};

/** The period that contains a local day. */
export const periodOfDay = (day: string, schedule: Schedule, timezone: string): Period =>
  periodAt(startOf(DateTime.fromISO(day, { zone: timezone }), schedule), schedule);

/**
 * The last period that is complete at `instant`: the one before the period containing it.
 * Computed from the instant carried by the event (the scheduled time), never the wall clock,
 * so a retried or late invocation reports the same period.
 */
export const lastCompletePeriod = (instant: Date | string, schedule: Schedule, timezone: string): Period => {
  const local = (typeof instant === 'string' ? DateTime.fromISO(instant) : DateTime.fromJSDate(instant)).setZone(timezone);
  const current = startOf(local, schedule);
  const previous = schedule === 'weekly' ? current.minus({ weeks: 1 }) : current.minus({ months: 1 });
  return periodAt(previous, schedule);
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
    const dt = DateTime.fromObject(
      { weekYear: Number(week[1]), weekNumber: Number(week[2]), weekday: 1 },
      { zone: timezone },
    );
    return dt.isValid && dt.toFormat("kkkk-'W'WW") === label ? periodAt(dt.startOf('day'), 'weekly') : undefined;
  }
  const month = /^(\d{4})-(\d{2})$/.exec(label);
  if (month) {
    const dt = DateTime.fromObject({ year: Number(month[1]), month: Number(month[2]), day: 1 }, { zone: timezone });
    return dt.isValid ? periodAt(dt, 'monthly') : undefined;
  }
  return undefined;
};

/** Every period from one label to another (inclusive); empty when a label is invalid or from > to. */
export const periodRange = (fromLabel: string, toLabel: string, timezone: string): Period[] => {
  const first = periodOfLabel(fromLabel, timezone);
  const last = periodOfLabel(toLabel, timezone);
  if (!first || !last || first.schedule !== last.schedule || first.startDay > last.startDay) return [];
  const periods: Period[] = [];
  for (let p = first; p.startDay <= last.startDay; p = periodOfDay(addDays(p.endDay, 1), p.schedule, timezone)) periods.push(p);
  return periods;
};

/** The local day (YYYY-MM-DD) of an instant in a timezone. */
export const localDayOf = (instant: Date | string, timezone: string): string =>
  (typeof instant === 'string' ? DateTime.fromISO(instant) : DateTime.fromJSDate(instant)).setZone(timezone).toISODate()!;
