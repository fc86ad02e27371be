import fc from 'fast-check';
import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { DayResolver, type DayParse } from '../../../shared/time/days';

/**
 * The reference: DayResolver.dayOf as a plain regex reader (Date.UTC, toISOString), with the
 * zone offset taken from luxon on every call (no cache): milliseconds from the fraction,
 * offsets up to ±18:00, and a local day that must stay within 1970-01-01..9999-12-31.
 */
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const SLOT_MS = 15 * 60 * 1000;

const referenceDayOf = (timezone: string, value: string): DayParse => {
  const zone = IANAZone.create(timezone);
  // Offsets are constant within a 15-minute slot, so reading it at the slot start is exact.
  const offsetAt = (ms: number) => zone.offset(Math.floor(ms / SLOT_MS) * SLOT_MS);
  const m = ISO.exec(value);
  if (m === null) {
    return { ok: false, reason: 'expected an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:mm:ss[Z|+hh:mm])' };
  }
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const dim = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 || day > dim) {
    return { ok: false, reason: 'expected a real calendar date between 1970 and 9999' };
  }
  if (m[4] !== undefined) {
    const hour = Number(m[4]);
    const minute = Number(m[5]);
    const second = m[6] === undefined ? 0 : Number(m[6]);
    const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3));
    if (hour > 23 || minute > 59 || second > 59)
      return { ok: false, reason: 'expected a time of day between 00:00:00 and 23:59:59' };
    const offsetText = m[8];
    if (offsetText !== undefined) {
      let offsetMinutes = 0;
      if (offsetText !== 'Z' && offsetText !== 'z') {
        const sign = offsetText[0] === '-' ? -1 : 1;
        const digits = offsetText.slice(1).replace(':', '');
        const oh = Number(digits.slice(0, 2));
        const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
        if (om > 59 || oh * 60 + om > 18 * 60)
          return { ok: false, reason: 'expected a UTC offset between -18:00 and +18:00' };
        offsetMinutes = sign * (oh * 60 + om);
      }
      const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
      const local = new Date(utc + offsetAt(utc) * 60_000).toISOString();
      if (!/^\d{4}-/.test(local) || local < '1970-01-01')
        return { ok: false, reason: 'expected a real calendar date between 1970 and 9999' };
      return { ok: true, day: local.slice(0, 10), epochMs: utc };
    }
    const wall = Date.UTC(year, month - 1, day, hour, minute, second, millis);
    return { ok: true, day: value.slice(0, 10), epochMs: wall - offsetAt(wall) * 60_000 };
  }
  const midnight = Date.UTC(year, month - 1, day);
  return { ok: true, day: value.slice(0, 10), epochMs: midnight - offsetAt(midnight) * 60_000 };
};

const ZONES = [
  'Asia/Shanghai',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'Pacific/Kiritimati',
  'UTC',
] as const;
const resolvers = new Map(ZONES.map((z) => [z, new DayResolver(z)]));

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });

/** Values near the grammar: right shapes with any digits, every offset form, and small corruptions. */
const valueArb = fc.oneof(
  // Shaped values with arbitrary digits: impossible dates, hours, offsets included.
  fc
    .record({
      y: fc.oneof(digits(4), fc.constantFrom('1970', '1969', '9999', '2000', '2024', '2026', '2100')),
      mo: fc.oneof(digits(2), fc.constantFrom('01', '02', '12', '13', '00')),
      d: fc.oneof(digits(2), fc.constantFrom('28', '29', '30', '31', '00')),
      sep: fc.constantFrom('T', ' ', 't', ''),
      h: fc.oneof(digits(2), fc.constantFrom('00', '23', '24')),
      mi: fc.oneof(digits(2), fc.constantFrom('00', '59', '60')),
      s: fc.option(fc.oneof(digits(2), fc.constantFrom('59', '60')), { nil: undefined }),
      frac: fc.option(fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 0, maxLength: 11 }), {
        nil: undefined,
      }),
      off: fc.option(
        fc.oneof(
          fc.constantFrom(
            'Z',
            'z',
            '+00:00',
            '-00:00',
            '+18:00',
            '-18:59',
            '+19:00',
            '+05:45',
            '+0530',
            '-03',
            '+8',
            '+08:0',
            ' +08:00',
            'Z ',
          ),
          fc.tuple(fc.constantFrom('+', '-'), digits(2), fc.constantFrom(':', ''), digits(2)).map((p) => p.join('')),
          fc.tuple(fc.constantFrom('+', '-'), digits(2)).map((p) => p.join('')),
        ),
        { nil: undefined },
      ),
      dateOnly: fc.boolean(),
    })
    .map((p) =>
      p.dateOnly
        ? `${p.y}-${p.mo}-${p.d}`
        : `${p.y}-${p.mo}-${p.d}${p.sep}${p.h}:${p.mi}${p.s === undefined ? '' : `:${p.s}${p.frac === undefined ? '' : `.${p.frac}`}`}${p.off ?? ''}`,
    ),
  // Real instants in every written form: separators, seconds, fractions of 0-11 digits, offsets or none.
  fc
    .record({
      t: fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(9999, 11, 31) }),
      off: fc.integer({ min: -18 * 60, max: 18 * 60 }),
      sep: fc.constantFrom('T', ' '),
      seconds: fc.boolean(),
      frac: fc.option(fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 0, maxLength: 11 }), {
        nil: undefined,
      }),
      form: fc.constantFrom('none', 'Z', 'z', 'hh', 'hhmm', 'hh:mm'),
    })
    .map(({ t, off, sep, seconds, frac, form }) => {
      const wall = new Date(t - (t % 1000) + off * 60_000).toISOString();
      if (!/^\d{4}-/.test(wall)) return wall;
      const a = Math.abs(off);
      const sign = off < 0 ? '-' : '+';
      const hh = pad(Math.floor(a / 60));
      const offset = {
        none: '',
        Z: 'Z',
        z: 'z',
        hh: `${sign}${hh}`,
        hhmm: `${sign}${hh}${pad(a % 60)}`,
        'hh:mm': `${sign}${hh}:${pad(a % 60)}`,
      }[form];
      const time = seconds ? `${wall.slice(11, 19)}${frac === undefined ? '' : `.${frac}`}` : wall.slice(11, 16);
      return `${wall.slice(0, 10)}${sep}${time}${offset}`;
    }),
  // Arbitrary short strings over the grammar's alphabet.
  fc.string({ unit: fc.constantFrom(...'0123456789-:T Zz+.'), maxLength: 30 }),
);

describe('DayResolver.dayOf fast reader against the regex reference (property)', () => {
  it('returns exactly the reference result, ok or not, for values near the grammar', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), valueArb, (zone, value) => {
        expect(resolvers.get(zone)!.dayOf(value)).toStrictEqual(referenceDayOf(zone, value));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees on the edges: the first and last valid days, leap days, and days pushed past 9999 or before 1970', () => {
    const values = [
      '1970-01-01',
      '1970-01-01T00:00:00+05:00',
      '1970-01-01T00:00:00-18:00',
      '9999-12-31T23:59:59-18:00',
      '9999-12-31T23:59:59+14:00',
      '9999-12-31',
      '2024-02-29T23:59:59.999999999Z',
      '2100-02-29',
      '2000-02-29 12:00',
      '2026-11-02T10:00:00.Z',
      '2026-11-02T10:00.5',
      '2026-11-02T10:00:00+18:59',
    ];
    for (const zone of ZONES) {
      for (const value of values) expect(resolvers.get(zone)!.dayOf(value)).toStrictEqual(referenceDayOf(zone, value));
    }
  });
});

describe('DayResolver.offsetAt against luxon (property)', () => {
  // Offsets are read from Intl's `longOffset` text and fall back to luxon for anything else
  // (Monrovia was -00:44:30 until 1972, an offset with seconds).
  const zones = [
    ...ZONES,
    'Africa/Monrovia',
    'America/St_Johns',
    'Australia/Lord_Howe',
    'Europe/Dublin',
    'America/Sao_Paulo',
    'Asia/Tehran',
  ];
  it("gives luxon's offset at the start of every 15-minute slot, in any order of instants", () => {
    const fresh = new Map(zones.map((z) => [z, new DayResolver(z)]));
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.array(
          fc.oneof(
            fc.integer({ min: Date.UTC(1969, 0, 1), max: Date.UTC(2100, 0, 1) }),
            fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(1973, 0, 1) }),
          ),
          { minLength: 1, maxLength: 20 },
        ),
        (zone, instants) => {
          const resolver = fresh.get(zone)!;
          const luxon = IANAZone.create(zone);
          for (const t of instants) expect(resolver.offsetAt(t)).toBe(luxon.offset(Math.floor(t / SLOT_MS) * SLOT_MS));
        },
      ),
      { numRuns: 2000 },
    );
    expect(new DayResolver('Africa/Monrovia').offsetAt(Date.UTC(1971, 5, 1))).toBe(
      IANAZone.create('Africa/Monrovia').offset(Date.UTC(1971, 5, 1)),
    );
  });
});
