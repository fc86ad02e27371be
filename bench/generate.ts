import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { mulberry32 } from '../test/support/seeded-random';

/**
 * Deterministic benchmark data: the same seed gives the same bytes on every machine.
 * Rows follow time (as partner exports do), with a mix of the accepted date-time forms.
 */

/** Uniforms in [0, 1) from mulberry32 (the tests' generator): the same seed gives the same files. */
export const random = (seed: number) => {
  const bits = mulberry32(seed);
  return () => bits() / 4_294_967_296;
};

const CHANNELS = ['referral', 'ad', 'event', 'organic', 'co_brand'] as const;
const COURSES = ['ai-101', 'ai-201', 'data-basics', 'ml-ops', 'python-intro', 'stats-pro'] as const;
/** The cooperation's zone in the benchmark: UTC+8 all year. */
export const BENCH_TIMEZONE = 'Asia/Shanghai';
export const BENCH_CURRENCY = 'CNY';
const START = Date.UTC(2026, 8, 1); // 2026-09-01T00:00Z
const SPAN = 90 * 86_400_000; // rows spread over about 90 days

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Writes ISO text for an instant: with +08:00, with Z, as local wall time, or as a local date. */
const writeTime = (t: number, form: number): string => {
  if (form < 0.4) {
    const d = new Date(t + 8 * 3_600_000);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+08:00`;
  }
  if (form < 0.75) return `${new Date(t).toISOString().slice(0, 19)}Z`;
  const d = new Date(t + 8 * 3_600_000).toISOString();
  return form < 0.95 ? `${d.slice(0, 10)} ${d.slice(11, 19)}` : d.slice(0, 10);
};

const writeLines = async (path: string, header: string | undefined, rows: number, line: (i: number) => string) => {
  const out = createWriteStream(path);
  let buffer = header === undefined ? '' : `${header}\n`;
  for (let i = 0; i < rows; i += 1) {
    buffer += `${line(i)}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
};

export const ENROLLMENTS_HEADER = 'user_id,course_id,enrolled_at,channel,amount,currency,refunded';

/** An enrollments CSV of `rows` valid rows (about 68 bytes a row). */
/**
 * The draws every enrollments row starts with, in this order (the order is the file: the same seed
 * gives the same bytes): its time after the row before, amount, refund, currency, channel, course.
 */
const enrollmentRows = (seed: number, rows: number, courses: readonly string[]) => {
  const next = random(seed);
  let t = START;
  const step = SPAN / rows;
  return (i: number) => {
    t += Math.floor(next() * 2 * step);
    const cents = Math.floor(next() * 100_000);
    const r = next();
    return {
      next,
      t,
      user: `user-${String((i * 7919) % 1_000_003).padStart(7, '0')}`,
      amount: `${Math.floor(cents / 100)}.${pad(cents % 100)}`,
      refunded: r < 0.05 ? 'true' : r < 0.15 ? '' : 'false',
      currency: next() < 0.8 ? 'CNY' : '',
      channel: CHANNELS[Math.floor(next() * CHANNELS.length)]!,
      course: courses[Math.floor(next() * courses.length)]!,
    };
  };
};

export const writeEnrollmentsCsv = (path: string, rows: number, seed = 1) => {
  const draw = enrollmentRows(seed, rows, COURSES);
  return writeLines(path, ENROLLMENTS_HEADER, rows, (i) => {
    const { next, t, user, amount, refunded, currency, channel, course } = draw(i);
    return `${user},${course},${writeTime(t, next())},${channel},${amount},${currency},${refunded}`;
  });
};

export const MESSY_ENROLLMENTS_HEADER = 'user_id,course_id,enrolled_at,channel,amount,currency,refunded,note';

/** Course names as exports write them: some with commas and quotes (so quoted, with doubled quotes). */
const MESSY_COURSES = [
  'ai-101',
  'py, data "basics"',
  'stats, pro',
  'data-basics',
  'ml "ops" lab',
  'python-intro',
] as const;
const NOTES = [
  '',
  '',
  'paid by card, invoice sent',
  'called twice, then enrolled',
  'asked for "VIP" seat',
  'n/a',
  'from the newsletter, via app',
  'group of 3, "team" rate',
] as const;

/** A CSV cell: quoted (inner quotes doubled) when it must be, or when `force` says so. */
const cell = (value: string, force: boolean) =>
  force || value.includes(',') || value.includes('"') || value.includes('\n')
    ? `"${value.replace(/"/g, '""')}"`
    : value;

/**
 * Instant text the way messy exports write it: UTC with milliseconds and `Z`, with `+00:00`,
 * local wall time with a space or a `T`, or a local date.
 */
const writeMessyTime = (t: number, form: number): string => {
  if (form < 0.3) return new Date(t).toISOString(); // 2026-09-01T02:03:04.567Z
  if (form < 0.55) return `${new Date(t).toISOString().slice(0, 19)}+00:00`;
  const local = new Date(t + 8 * 3_600_000).toISOString();
  if (form < 0.8) return `${local.slice(0, 10)} ${local.slice(11, 19)}`;
  return form < 0.95 ? local.slice(0, 19) : local.slice(0, 10);
};

/**
 * An enrollments CSV shaped as real exports often are (about 100 bytes a row): ~20% of the
 * fields quoted (course names and notes with embedded commas and doubled quotes such as
 * `"py, data ""basics"""`, and some plain values quoted anyway), time stamps in mixed styles,
 * lowercase booleans, and an extra free-text column the contract does not know.
 */
export const writeMessyEnrollmentsCsv = (path: string, rows: number, seed = 3) => {
  const draw = enrollmentRows(seed, rows, MESSY_COURSES);
  return writeLines(path, MESSY_ENROLLMENTS_HEADER, rows, (i) => {
    const { next, t, user, amount, refunded, currency, channel, course } = draw(i);
    const note = NOTES[Math.floor(next() * NOTES.length)]!;
    return [
      cell(user, next() < 0.1),
      cell(course, next() < 0.1),
      writeMessyTime(t, next()),
      cell(channel, next() < 0.15),
      amount,
      currency,
      refunded,
      cell(note, next() < 0.3),
    ].join(',');
  });
};

/** Gzips a file next to itself (`<path>.gz`), as partners upload compressed exports. */
export const gzipFile = async (path: string): Promise<string> => {
  const out = `${path}.gz`;
  await pipeline(createReadStream(path), createGzip(), createWriteStream(out));
  return out;
};

/** An activity NDJSON of `rows` valid rows: a user, a day and a score from 0 to 1. */
export const writeActivityNdjson = (path: string, rows: number, seed = 2) => {
  const next = random(seed);
  let t = START;
  const step = SPAN / rows;
  return writeLines(path, undefined, rows, (i) => {
    t += Math.floor(next() * 2 * step);
    const day = new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);
    const score = Math.floor(next() * 1001) / 1000;
    return `{"user_id":"u-${(i * 7919) % 1_000_003}","date":"${day}","score":${score}}`;
  });
};
