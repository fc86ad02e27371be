/**
 * Calendar days as integers (days since 1970-01-01), so series can be aligned, gaps measured and
 * weekdays found with integer arithmetic. Own helpers rather than shared/time: this module stays
 * free of the rest of the code base (and of timezones: a day here is already a local calendar day).
 */

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Day number of a 'YYYY-MM-DD' day; throws on anything that is not a real calendar day. */
export const dayNumber = (day: string): number => {
  const match = DAY_PATTERN.exec(day);
  if (match === null) throw new RangeError(`not a day (YYYY-MM-DD): ${JSON.stringify(day)}`);
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, date);
  const check = new Date(ms);
  // Date.UTC rolls 2026-02-30 over to March; a round trip catches it.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) {
    throw new RangeError(`not a calendar day: ${day}`);
  }
  return ms / DAY_MS;
};

/** 'YYYY-MM-DD' of a day number. */
export const dayString = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);

/** 0 = Monday ... 6 = Sunday (1970-01-01, day 0, was a Thursday). */
export const weekday = (n: number): number => (((n + 3) % 7) + 7) % 7;
