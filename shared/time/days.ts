import { IANAZone } from 'luxon';

/**
 * Turns a row's ISO 8601 date or date-time into the calendar day (YYYY-MM-DD) it falls on
 * in the cooperation's timezone. A date, or a date-time without offset, is already local.
 *
 * Hand-written on purpose: this runs once per row (millions per file) and luxon's
 * DateTime.fromISO costs ~10 us a call; here the fixed ISO grammar is matched by one regex
 * and the zone offset (from luxon) is cached per 15-minute slot, which is exact because
 * every real zone offset changes on a 15-minute boundary.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export const daysInMonth = (year: number, month: number): number =>
  month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!;

/** `epochMs` orders values within one file (a local date-time is placed with the zone's offset). */
export type DayParse = { ok: true; day: string; epochMs: number } | { ok: false; reason: string };

const SLOT_MS = 15 * 60 * 1000;

/** Caches zone offsets; one instance per timezone. */
export class DayResolver {
  private readonly zone: IANAZone;
  private readonly offsets = new Map<number, number>();

  constructor(readonly timezone: string) {
    this.zone = IANAZone.create(timezone);
    if (!this.zone.isValid) throw new RangeError(`unknown timezone ${timezone}`);
  }

  /** Offset of the zone from UTC, in minutes, at an instant. */
  offsetAt(epochMs: number): number {
    const slot = Math.floor(epochMs / SLOT_MS);
    let offset = this.offsets.get(slot);
    if (offset === undefined) {
      offset = this.zone.offset(slot * SLOT_MS);
      this.offsets.set(slot, offset);
    }
    return offset;
  }

  /** The local day of an ISO date or date-time; `reason` says what was expected when it is not one. */
  dayOf(value: string): DayParse {
    const m = ISO.exec(value);
    if (m === null) {
      return { ok: false, reason: 'expected an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:mm:ss[Z|+hh:mm])' };
    }
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
      return { ok: false, reason: 'expected a real calendar date between 1970 and 9999' };
    }
    if (m[4] !== undefined) {
      const hour = Number(m[4]);
      const minute = Number(m[5]);
      const second = m[6] === undefined ? 0 : Number(m[6]);
      if (hour > 23 || minute > 59 || second > 59) {
        return { ok: false, reason: 'expected a time of day between 00:00:00 and 23:59:59' };
      }
      const offsetText = m[7];
      if (offsetText !== undefined) {
        let offsetMinutes = 0;
        if (offsetText !== 'Z' && offsetText !== 'z') {
          const sign = offsetText[0] === '-' ? -1 : 1;
          const digits = offsetText.slice(1).replace(':', '');
          const oh = Number(digits.slice(0, 2));
          const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
          if (oh > 18 || om > 59) return { ok: false, reason: 'expected a UTC offset between -18:00 and +18:00' };
          offsetMinutes = sign * (oh * 60 + om);
        }
        const utc = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
        const local = new Date(utc + this.offsetAt(utc) * 60_000);
        return { ok: true, day: local.toISOString().slice(0, 10), epochMs: utc };
      }
      const wall = Date.UTC(year, month - 1, day, hour, minute, second);
      return { ok: true, day: value.slice(0, 10), epochMs: wall - this.offsetAt(wall) * 60_000 };
    }
    const midnight = Date.UTC(year, month - 1, day);
    return { ok: true, day: value.slice(0, 10), epochMs: midnight - this.offsetAt(midnight) * 60_000 };
  }
}

/** Adds whole days to a YYYY-MM-DD day (calendar arithmetic, no timezone involved). */
export const addDays = (day: string, days: number): string => {
  const t = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
  return new Date(t + days * 86_400_000).toISOString().slice(0, 10);
};

/** Whole days from `from` to `to` (positive when `to` is later). */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
