/**
 * Turns a row's ISO 8601 date or date-time into the calendar day (YYYY-MM-DD) it falls on
 * in the cooperation's timezone. A date, or a date-time without offset, is already local.
 *
 * Hand-written on purpose: this runs once per row (millions per file) and luxon's
 * DateTime.fromISO costs ~10 us a call. The fixed ISO grammar below is read character by
 * character (no regex, no Date objects, no toISOString per row); the zone offset (from Intl)
 * is cached per 15-minute slot, which is exact because every real zone offset changes on a
 * 15-minute boundary, and day names are cached by day number (so rows of one day share one
 * string, which also makes the per-day map lookups of the caller cheap). Anything the fast reader
 * does not accept goes through the regex path, which alone words the reasons.
 */
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export const daysInMonth = (year: number, month: number): number =>
  month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!;

/** Offsets beyond ±18:00 do not exist in ISO 8601 (nor in any zone). */
const MAX_OFFSET_MINUTES = 18 * 60;

/** 9999-12-31 as a day number: the last day a row may fall on, also after an offset moves it. */
const LAST_DAY = Date.UTC(9999, 11, 31) / 86_400_000;

/** `epochMs` orders values within one file (a local date-time is placed with the zone's offset). */
export type DayParse = { ok: true; day: string; epochMs: number } | { ok: false; reason: string };

const SLOT_MS = 15 * 60 * 1000;
const DAY_MS = 86_400_000;

/** Days from 1970-01-01 to a proleptic Gregorian date (exact integer arithmetic, as Date.UTC). */
const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
};

/** The value of two ASCII digits at `i`, or -1 when either is not a digit 0-9. */
const two = (s: string, i: number): number => {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
};

const NOT_FAST = -1;

/**
 * The zone's offset in whole minutes at an instant from one `Intl` call (`longOffset`, text like
 * `GMT+05:45`), ~5x cheaper than `formatToParts`; undefined for anything else (an offset with
 * seconds, as some zones had before 1972), which partsOffset then reads.
 */
const intlOffset = (format: Intl.DateTimeFormat, epochMs: number): number | undefined => {
  const text = format.format(epochMs);
  const at = text.lastIndexOf('GMT');
  if (at < 0) return undefined;
  const rest = text.length - at - 3;
  if (rest === 0) return 0;
  if (rest !== 6 || text.charCodeAt(at + 6) !== 58) return undefined;
  const sign = text.charCodeAt(at + 3);
  const hours = two(text, at + 4);
  const minutes = two(text, at + 7);
  if (hours < 0 || minutes < 0) return undefined;
  const offset = hours * 60 + minutes;
  return sign === 43 ? offset : sign === 45 || sign === 0x2212 ? -offset : undefined;
};

/**
 * The zone's offset in minutes (fractional for offsets with seconds) at an instant, from the
 * local wall time Intl gives for it: the way luxon computes it, without luxon in the bundles.
 */
const partsOffset = (format: Intl.DateTimeFormat, epochMs: number): number => {
  const whole = epochMs - (((epochMs % 1000) + 1000) % 1000);
  const part: Record<string, number> = {};
  for (const p of format.formatToParts(whole)) if (p.type !== 'literal') part[p.type] = Number(p.value);
  const local = Date.UTC(part.year!, part.month! - 1, part.day!, part.hour! % 24, part.minute!, part.second!);
  return (local - whole) / 60_000;
};

/** Whether Intl knows a timezone (what every IANA zone check here rests on). */
export const isKnownTimezone = (timezone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone }).format();
    return true;
  } catch {
    return false;
  }
};

/** Caches zone offsets; one instance per timezone. */
export class DayResolver {
  private readonly format: Intl.DateTimeFormat;
  private readonly parts: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();
  private readonly dayNames = new Map<number, string>();
  // The two slots read last: rows in time order read one slot (a wall time) or two (offsets
  // given: the instant's slot and the local one), so both stay here.
  private lastSlot = Number.NaN;
  private lastOffset = 0;
  private otherSlot = Number.NaN;
  private otherOffset = 0;
  private lastDayNumber = Number.NaN;
  private lastDayName = '';
  /** The date text read last (as its digits) and its day number. */
  private lastDateKey = -1;
  private lastDateDays = 0;
  /** The local day an instant fell on last: where it starts (ms) and its name. */
  private lastLocalStart = Number.NaN;
  private lastLocalName = '';

  constructor(readonly timezone: string) {
    if (!isKnownTimezone(timezone)) throw new RangeError(`unknown timezone ${timezone}`);
    this.format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' });
    this.parts = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Offset of the zone from UTC, in minutes, at an instant, read once per 15-minute slot. */
  offsetAt(epochMs: number): number {
    const since = epochMs - this.lastSlot * SLOT_MS;
    if (since >= 0 && since < SLOT_MS) return this.lastOffset;
    const slot = Math.floor(epochMs / SLOT_MS);
    if (slot === this.otherSlot) {
      const offset = this.otherOffset;
      this.otherSlot = this.lastSlot;
      this.otherOffset = this.lastOffset;
      this.lastSlot = slot;
      this.lastOffset = offset;
      return offset;
    }
    let offset = this.offsets.get(slot);
    if (offset === undefined) {
      offset = intlOffset(this.format, slot * SLOT_MS) ?? partsOffset(this.parts, slot * SLOT_MS);
      this.offsets.set(slot, offset);
    }
    this.otherSlot = this.lastSlot;
    this.otherOffset = this.lastOffset;
    this.lastSlot = slot;
    this.lastOffset = offset;
    return offset;
  }

  /** YYYY-MM-DD of a day number (days since 1970-01-01), as toISOString would write it. */
  private dayName(dayNumber: number): string {
    if (dayNumber === this.lastDayNumber) return this.lastDayName;
    let name = this.dayNames.get(dayNumber);
    if (name === undefined) {
      name = new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
      this.dayNames.set(dayNumber, name);
    }
    this.lastDayNumber = dayNumber;
    this.lastDayName = name;
    return name;
  }

  /**
   * The fast reader of text[start, end): the same grammar and checks as ISO and the regex path,
   * for valid values only (never reading outside the range). Returns undefined for anything it
   * does not accept, which then takes the regex path.
   */
  dayOfRange(text: string, start: number, end: number): Extract<DayParse, { ok: true }> | undefined {
    if (end - start < 10 || text.charCodeAt(start + 4) !== 45 || text.charCodeAt(start + 7) !== 45) return undefined;
    const y1 = two(text, start);
    const y2 = two(text, start + 2);
    const month = two(text, start + 5);
    const day = two(text, start + 8);
    if (y1 < 0 || y2 < 0 || month < 1 || month > 12 || day < 1) return undefined;
    // Rows of a file mostly repeat the date of the row before: its day number is kept.
    const dateKey = ((y1 * 100 + y2) * 100 + month) * 100 + day;
    let days = this.lastDateDays;
    if (dateKey !== this.lastDateKey) {
      const year = y1 * 100 + y2;
      if (year < 1970 || day > daysInMonth(year, month)) return undefined;
      days = daysFromCivil(year, month, day);
      this.lastDateKey = dateKey;
      this.lastDateDays = days;
    }
    if (end - start === 10) {
      const midnight = days * DAY_MS;
      return { ok: true, day: this.dayName(days), epochMs: midnight - this.offsetAt(midnight) * 60_000 };
    }
    // [T ]HH:mm
    const sep = text.charCodeAt(start + 10);
    if ((sep !== 84 && sep !== 32) || end - start < 16 || text.charCodeAt(start + 13) !== 58) return undefined;
    const hour = two(text, start + 11);
    const minute = two(text, start + 14);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
    let second = 0;
    let millis = 0;
    let i = start + 16;
    // :ss, then .f{1,9} only after seconds
    if (i < end && text.charCodeAt(i) === 58) {
      if (i + 3 > end) return undefined;
      second = two(text, i + 1);
      if (second < 0 || second > 59) return undefined;
      i += 3;
      if (i < end && text.charCodeAt(i) === 46) {
        const from = (i += 1);
        // Milliseconds from the first three digits (whole numbers: 100, 10, 1); finer digits
        // cannot change the order of rows.
        let scale = 100;
        while (i < end) {
          const c = text.charCodeAt(i) - 48;
          if (c < 0 || c > 9) break;
          millis += c * scale;
          scale = scale === 1 ? 0 : scale / 10;
          i += 1;
        }
        if (i === from || i - from > 9) return undefined;
      }
    }
    const wall = days * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
    if (i === end) {
      return { ok: true, day: this.dayName(days), epochMs: wall - this.offsetAt(wall) * 60_000 };
    }
    // Z | z | [+-]hh | [+-]hhmm | [+-]hh:mm
    let offsetMinutes = NOT_FAST;
    const c = text.charCodeAt(i);
    if ((c === 90 || c === 122) && i + 1 === end) offsetMinutes = 0;
    else if (c === 43 || c === 45) {
      const rest = end - i - 3;
      if (rest < 0) return undefined;
      const oh = two(text, i + 1);
      const om =
        rest === 0
          ? 0
          : rest === 2
            ? two(text, i + 3)
            : rest === 3 && text.charCodeAt(i + 3) === 58
              ? two(text, i + 4)
              : -1;
      if (oh < 0 || om < 0 || om > 59 || oh * 60 + om > MAX_OFFSET_MINUTES) return undefined;
      offsetMinutes = (c === 45 ? -1 : 1) * (oh * 60 + om);
    }
    if (offsetMinutes === NOT_FAST) return undefined;
    const utc = wall - offsetMinutes * 60_000;
    const local = utc + this.offsetAt(utc) * 60_000;
    if (local >= this.lastLocalStart && local < this.lastLocalStart + DAY_MS) {
      return { ok: true, day: this.lastLocalName, epochMs: utc };
    }
    const localDay = Math.floor(local / DAY_MS);
    if (localDay < 0 || localDay > LAST_DAY) return undefined;
    const name = this.dayName(localDay);
    this.lastLocalStart = localDay * DAY_MS;
    this.lastLocalName = name;
    return { ok: true, day: name, epochMs: utc };
  }

  /** The local day of an ISO date or date-time; `reason` says what was expected when it is not one. */
  dayOf(value: string): DayParse {
    return this.dayOfRange(value, 0, value.length) ?? this.slowDayOf(value);
  }

  /** The reference reading (one regex): the reasons for refused values, and anything unusual. */
  private slowDayOf(value: string): DayParse {
    const m = ISO.exec(value);
    if (m === null) {
      return {
        ok: false,
        reason: 'expected an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:mm:ss[Z|+hh:mm])',
      };
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
      const millis = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
      if (hour > 23 || minute > 59 || second > 59) {
        return { ok: false, reason: 'expected a time of day between 00:00:00 and 23:59:59' };
      }
      const offsetText = m[8];
      if (offsetText !== undefined) {
        let offsetMinutes = 0;
        if (offsetText !== 'Z' && offsetText !== 'z') {
          const sign = offsetText[0] === '-' ? -1 : 1;
          const digits = offsetText.slice(1).replace(':', '');
          const oh = Number(digits.slice(0, 2));
          const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
          if (om > 59 || oh * 60 + om > MAX_OFFSET_MINUTES) {
            return { ok: false, reason: 'expected a UTC offset between -18:00 and +18:00' };
          }
          offsetMinutes = sign * (oh * 60 + om);
        }
        const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
        const localDay = Math.floor((utc + this.offsetAt(utc) * 60_000) / DAY_MS);
        if (localDay < 0 || localDay > LAST_DAY) {
          return { ok: false, reason: 'expected a real calendar date between 1970 and 9999' };
        }
        return { ok: true, day: new Date(localDay * DAY_MS).toISOString().slice(0, 10), epochMs: utc };
      }
      const wall = Date.UTC(year, month - 1, day, hour, minute, second, millis);
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
