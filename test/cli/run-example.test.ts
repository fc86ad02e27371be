import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { listDataFiles } from '../../cli/run';
import { tempDir } from '../support/cli';

const exec = promisify(execFile);
const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'joint-course');
const AS_OF = '2026-11-23T06:00:00+08:00';
// The last complete ISO week before AS_OF in Asia/Shanghai.
const WEEK = { label: '2026-W47', from: '2026-11-16', to: '2026-11-22' };

/** The local day of an ISO value in Asia/Shanghai, computed with luxon (not crosslift's own parser). */
const localDay = (value: string) =>
  DateTime.fromISO(value, { zone: 'Asia/Shanghai' }).setZone('Asia/Shanghai').toISODate()!;
const inWeek = (value: string) => {
  const d = localDay(value);
  return d >= WEEK.from && d <= WEEK.to;
};
const validDate = (value: string) => DateTime.fromISO(value, { zone: 'Asia/Shanghai' }).isValid;

/** A second, straightforward computation of the example's week from the raw files. */
const expectedFromFiles = () => {
  const files = listDataFiles(EXAMPLE);
  const csvRows = (dataset: string) =>
    files
      .filter(([, key]) => key.includes(`/${dataset}/`) && key.endsWith('.csv'))
      .flatMap(([path]) => parse(readFileSync(path), { columns: true, bom: true }) as Record<string, string>[]);
  const enrollments = csvRows('enrollments').filter(
    (r) =>
      validDate(r.enrolled_at!) &&
      ['referral', 'ad', 'event', 'organic', 'co_brand'].includes(r.channel!) &&
      Number(r.amount) >= 0,
  );
  const week = enrollments.filter((r) => inWeek(r.enrolled_at!));
  const kept = week.filter((r) => r.refunded !== 'true');
  const feedback = files
    .filter(([, key]) => key.includes('/feedback/'))
    .flatMap(([path]) => JSON.parse(readFileSync(path, 'utf8')) as { submitted_at: string; rating: number }[])
    .filter((r) => inWeek(r.submitted_at));
  return {
    enrollments: kept.length,
    revenue: kept.reduce((s, r) => s + Number(r.amount), 0),
    partnerShare: kept.filter((r) => r.channel !== 'organic').length / kept.length,
    refundRate: (week.length - kept.length) / week.length,
    feedbackCount: feedback.length,
    avgRating: feedback.reduce((s, r) => s + r.rating, 0) / feedback.length,
  };
};

interface RunJson {
  files: {
    key: string;
    status: string;
    rows: number;
    rejectedRows: number;
    errors: { line?: number; column?: string; reason: string }[];
  }[];
  reports: {
    cooperationId: string;
    period: { start: string; end: string; label: string };
    metrics: Record<string, { value: number; n: number; status: string; ci?: number[]; target?: unknown }>;
  }[];
  emails: { to: string; subject: string; kind: string }[];
}

/** Splits an RFC 5322 message into its header fields (unfolded) and body. */
const parseMessage = (raw: string) => {
  const end = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, end).replace(/\r?\n[ \t]+/g, ' ');
  const fields = head.split(/\r?\n/).map((line) => {
    const match = /^([!-9;-~]+):[ \t]?(.*)$/.exec(line);
    if (!match) throw new Error(`not a header field: ${line}`);
    return [match[1]!.toLowerCase(), match[2]!] as const;
  });
  return { headers: new Map(fields), body: raw.slice(end).trimStart() };
};

describe('crosslift run --json on the shipped example', () => {
  let out: RunJson;
  const outDir = tempDir('crosslift-run-out-');
  beforeAll(async () => {
    // Act: the real CLI in its own process, as a user runs it.
    const { stdout } = await exec(
      process.execPath,
      ['bin/crosslift.mjs', 'run', '--data', EXAMPLE, '--as-of', AS_OF, '--json', '--out', outDir],
      {
        cwd: join(import.meta.dirname, '..', '..'),
        maxBuffer: 10 * 1024 * 1024,
      },
    );
    out = JSON.parse(stdout) as RunJson;
  });

  it('reports the example week with numbers that match a direct computation from the files', () => {
    const expected = expectedFromFiles();
    const report = out.reports.find((r) => r.cooperationId === 'joint-course');
    expect(report?.period.label).toBe(WEEK.label);
    expect(report?.period.start).toBe('2026-11-16T00:00:00+08:00');
    expect(report?.period.end).toBe('2026-11-23T00:00:00+08:00');
    const m = report!.metrics;
    expect(m.enrollments!.value).toBe(expected.enrollments);
    expect(m.revenue!.value).toBeCloseTo(expected.revenue, 6);
    expect(m.partner_enrollment_share!.value).toBeCloseTo(expected.partnerShare, 12);
    expect(m.refund_rate!.value).toBeCloseTo(expected.refundRate, 12);
    expect(m.feedback_count!.value).toBe(expected.feedbackCount);
    expect(m.avg_rating!.value).toBeCloseTo(expected.avgRating, 12);
    expect(m.avg_rating!.ci).toHaveLength(2);
    expect(m.enrollments!.status).toMatch(/^(met|not_met|inconclusive)$/);
  });

  it('lists every file with its outcome, and the bad file with line and column', () => {
    expect(out.files).toHaveLength(listDataFiles(EXAMPLE).length);
    const bad = out.files.filter((f) => f.status !== 'accepted');
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ status: 'partial', rejectedRows: 3 });
    expect(bad[0]!.errors.map((e) => [e.line, e.column])).toEqual([
      [9, 'enrolled_at'],
      [21, 'channel'],
      [35, 'amount'],
    ]);
  });

  it('emails the report to every partner contact and the rejection to the partner that dropped the bad file', () => {
    const config = readFileSync(join(EXAMPLE, 'crosslift.config.yaml'), 'utf8');
    expect(
      out.emails
        .filter((e) => e.kind === 'report')
        .map((e) => e.to)
        .sort(),
    ).toEqual(['data-team@zhixue.example', 'partnerships@beacon-academy.example']);
    expect(out.emails.filter((e) => e.kind === 'rejection').map((e) => e.to)).toEqual([
      'partnerships@beacon-academy.example',
    ]);
    expect(config).toContain('partnerships@beacon-academy.example');
  });

  it('writes each email sent as an RFC 5322 message (.eml) a mail client opens', () => {
    // Prepare
    const emls = readdirSync(outDir)
      .filter((name) => name.endsWith('.eml'))
      .sort();
    // Assess: one file per email, each header fields, a blank line, then a MIME body.
    expect(emls).toHaveLength(out.emails.length);
    for (const name of emls) {
      const raw = readFileSync(join(outDir, name), 'utf8');
      const { headers, body } = parseMessage(raw);
      for (const field of ['from', 'to', 'subject', 'date', 'message-id', 'mime-version', 'content-type']) {
        expect(headers.has(field), `${name}: ${field}`).toBe(true);
      }
      const sent = out.emails.find(
        (e) => name.includes(e.to.replace(/[^A-Za-z0-9._-]+/g, '_')) && name.includes(`-${e.kind}-`),
      )!;
      expect(headers.get('to')).toBe(sent.to);
      if (!headers.get('subject')!.includes('=?')) expect(headers.get('subject')).toBe(sent.subject);
      expect(headers.get('content-type')).toMatch(/^multipart\/(alternative|mixed); boundary=/);
      const boundary = /boundary="?([^";]+)"?/.exec(headers.get('content-type')!)![1]!;
      expect(body.startsWith(`--${boundary}`)).toBe(true);
      expect(body).toContain('Content-Type: text/html');
    }
  });
});
