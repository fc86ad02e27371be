import { describe, expect, it } from 'vitest';
import { buildReport, comparisonWindow, METRICS_VERSION, type ReportInputs } from '../../../shared/report/build-report';
import type { Cooperation } from '../../../shared/config/schema';
import type { FileRecord } from '../../../shared/storage/file-ledger';
import type { DayAggregate } from '../../../shared/storage/day-aggregates';
import { periodOfLabel, type Period } from '../../../shared/time/periods';
import { aggregate, cooperation, fileRecord, normalCdf, wilsonRoots } from './fixtures';

const KEY = {
  w46: 'inbox/coop/platform/enrollments/w46.csv',
  w45: 'inbox/coop/platform/enrollments/w45.csv',
  base: 'inbox/coop/platform/enrollments/baseline.csv',
  bad: 'inbox/coop/school/enrollments/bad.csv',
  dup: 'inbox/coop/school/enrollments/dup.csv',
  school: 'inbox/coop/school/enrollments/school.csv',
};

const enrollmentMeasures = (rows: number, partner: number, price = 100) => ({
  rows,
  enrollments: rows,
  revenue: rows * price,
  revenue_sq: rows * price * price,
  partner_enrollments: partner,
  refunded: 0,
});

const FILES: FileRecord[] = [
  fileRecord({
    key: KEY.w46,
    generation: 'g2',
    days: ['2026-11-10'],
    contentHash: 'h46',
    etag: '"e46"',
    versionId: 'v46',
  }),
  fileRecord({ key: KEY.w45, generation: 'g1', days: ['2026-11-03'] }),
  fileRecord({ key: KEY.base, generation: 'g1', days: ['2026-10-06'] }),
  fileRecord({ key: KEY.bad, partnerId: 'school', status: 'rejected', days: [] }),
  fileRecord({
    key: KEY.dup,
    partnerId: 'school',
    status: 'duplicate',
    generation: 'gx',
    days: ['2026-11-10'],
    duplicateOf: KEY.w46,
  }),
];

const AGGREGATES: DayAggregate[] = [
  aggregate({ day: '2026-11-10', fileId: KEY.w46, generation: 'g2', m: enrollmentMeasures(40, 30) }),
  // The same file's replaced generation: must not count.
  aggregate({ day: '2026-11-10', fileId: KEY.w46, generation: 'g1', m: enrollmentMeasures(1000, 1000) }),
  aggregate({ day: '2026-11-11', fileId: KEY.w46, generation: 'g1', m: enrollmentMeasures(1000, 1000) }),
  aggregate({ day: '2026-11-03', fileId: KEY.w45, generation: 'g1', m: enrollmentMeasures(20, 8) }),
  aggregate({ day: '2026-10-06', fileId: KEY.base, generation: 'g1', m: enrollmentMeasures(30, 15) }),
  // A duplicate's aggregates (should never exist, but must not count if they do).
  aggregate({
    day: '2026-11-10',
    fileId: KEY.dup,
    generation: 'gx',
    partnerId: 'school',
    m: enrollmentMeasures(500, 500),
  }),
];

const W46 = periodOfLabel('2026-W46', 'Asia/Shanghai')!;

/** The shared files and aggregates plus a school file of 5 enrollments (all through partners) on one day. */
const withSchoolEnrollments = (day: string) => ({
  files: [...FILES, fileRecord({ key: KEY.school, partnerId: 'school', generation: 'g1', days: [day] })],
  aggregates: [
    ...AGGREGATES,
    aggregate({ day, fileId: KEY.school, generation: 'g1', partnerId: 'school', m: enrollmentMeasures(5, 5) }),
  ],
});

const inputs = (coop: Cooperation, over: Partial<ReportInputs> = {}): ReportInputs => ({
  cooperation: coop,
  period: W46,
  asOf: '2026-12-31T00:00:00+08:00',
  files: FILES,
  aggregates: AGGREGATES,
  fileIdOf: (key) => key,
  crossliftVersion: '9.9.9-test',
  ...over,
});

/** Pooled two-proportion z-test p-value, by hand. */
const pooledP = (x1: number, n1: number, x2: number, n2: number) => {
  const p = (x1 + x2) / (n1 + n2);
  const z = Math.abs(x1 / n1 - x2 / n2) / Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  return 2 * (1 - normalCdf(z));
};

describe('buildReport: what counts', () => {
  it('counts only the active generation of each file, and only files that are accepted or partial', () => {
    // Prepare
    const coop = cooperation();
    // Act
    const report = buildReport(inputs(coop));
    // Assess: 40 enrollments from w46.csv generation g2; stale g1 and the duplicate are ignored
    expect(report.metrics.enrollments).toMatchObject({ value: 40, n: 40 });
    expect(report.metrics.enrollments?.status).toBeUndefined();
    expect(report.metrics.revenue).toMatchObject({ value: 4000, n: 40 });
    expect(report.metrics.partner_enrollment_share?.value).toBe(0.75);
  });

  it('counts nothing of a file whose current generation has no aggregates yet', () => {
    // Prepare: the file record moved on to g3 (its aggregates not yet written)
    const files = FILES.map((f) => (f.key === KEY.w46 ? { ...f, generation: 'g3' } : f));
    // Act
    const report = buildReport(inputs(cooperation(), { files }));
    // Assess
    expect(report.metrics.enrollments).toBeUndefined();
    expect(report.missing.enrollments).toBe('no enrollments data in this period');
  });

  it('describes the period and lists the counted files touching it in the manifest, sorted by key', () => {
    // Prepare
    const files = [
      ...FILES,
      fileRecord({
        key: 'inbox/coop/platform/enrollments/a-first.csv',
        status: 'partial',
        generation: 'g9',
        days: ['2026-11-15'],
      }),
    ];
    // Act
    const report = buildReport(inputs(cooperation(), { files }));
    // Assess
    expect(report.cooperationId).toBe('coop');
    expect(report.cooperationName).toBe('Joint course');
    expect(report.period).toEqual({
      label: '2026-W46',
      start: '2026-11-09T00:00:00+08:00',
      end: '2026-11-16T00:00:00+08:00',
      startDay: '2026-11-09',
      endDay: '2026-11-15',
      schedule: 'weekly',
    });
    // Each file says when it was taken in and its last day with data (the email's data freshness).
    expect(report.manifest.files).toEqual([
      {
        key: 'inbox/coop/platform/enrollments/a-first.csv',
        partnerId: 'platform',
        dataset: 'enrollments',
        generation: 'g9',
        receivedAt: '2026-11-16T00:00:00Z',
        lastDay: '2026-11-15',
      },
      {
        key: KEY.w46,
        partnerId: 'platform',
        dataset: 'enrollments',
        versionId: 'v46',
        etag: '"e46"',
        contentHash: 'h46',
        generation: 'g2',
        receivedAt: '2026-11-16T00:00:00Z',
        lastDay: '2026-11-10',
      },
    ]);
    expect(report.manifest.metricsVersion).toBe(METRICS_VERSION);
    expect(report.manifest.crossliftVersion).toBe('9.9.9-test');
  });
});

describe('buildReport: comparison', () => {
  it('compares with the previous period unscaled: proportions in percentage points, tests adjusted together (BH)', () => {
    // Prepare: W45 has 20 enrollments, 8 through partners, none refunded (W46: 40, 30, none refunded)
    const coop = cooperation();
    const shareP = pooledP(30, 40, 8, 20);
    // Two tests (partner share; refund rate, 0 of 40 vs 0 of 20: p = 1): BH multiplies the smaller p by 2.
    const adjusted = Math.min(1, 2 * shareP);
    // Act
    const report = buildReport(inputs(coop));
    // Assess
    expect(report.comparisonBasis).toEqual({ kind: 'previous_period', label: '2026-W45', state: 'final' });
    expect(report.liftTests).toBe(2);
    expect(report.metrics.enrollments?.comparison).toEqual({ value: 20, change: 20, unit: 'value', relativeChange: 1 });
    const share = report.metrics.partner_enrollment_share!.comparison!;
    expect(share.value).toBe(0.4);
    expect(share.unit).toBe('pp');
    expect(share.change).toBeCloseTo(35, 10);
    expect(share.relativeChange).toBeCloseTo(0.875, 12);
    expect(share.pValue).toBeCloseTo(shareP, 8);
    expect(share.adjustedPValue).toBeCloseTo(adjusted, 8);
    expect(share).toMatchObject({ tests: 2, significant: adjusted <= 0.05 });
    expect(report.metrics.refund_rate?.comparison).toMatchObject({ pValue: 1, adjustedPValue: 1, significant: false });
  });

  it('scales counts and sums of a baseline by period length, but not shares', () => {
    // Prepare: baseline 2026-10-05 .. 2026-10-18 is 14 days; the week is 7, so counts scale by 0.5
    const coop = cooperation({ baseline: { from: '2026-10-05', to: '2026-10-18' } });
    // Act
    const report = buildReport(inputs(coop));
    // Assess
    expect(report.comparisonBasis).toEqual({ kind: 'baseline', from: '2026-10-05', to: '2026-10-18' });
    expect(report.metrics.enrollments?.comparison).toMatchObject({ value: 15, change: 25 });
    expect(report.metrics.enrollments!.comparison!.relativeChange).toBeCloseTo(25 / 15, 12);
    expect(report.metrics.revenue?.comparison).toMatchObject({ value: 1500, change: 2500 });
    expect(report.metrics.partner_enrollment_share?.comparison?.value).toBe(0.5);
    expect(report.metrics.partner_enrollment_share!.comparison!.pValue).toBeCloseTo(pooledP(30, 40, 15, 30), 8);
  });

  it('scales a monthly period against a shorter baseline (30 days vs 10: x3)', () => {
    // Prepare
    const coop = cooperation({ schedule: 'monthly', baseline: { from: '2026-10-01', to: '2026-10-10' } });
    const november: Period = periodOfLabel('2026-11', 'Asia/Shanghai')!;
    // Act
    const report = buildReport(inputs(coop, { period: november }));
    // Assess: baseline has the 30 enrollments of 10-06; November has the 40 of 11-10 (W45's 11-03 too: 20)
    expect(report.metrics.enrollments?.value).toBe(60);
    expect(report.metrics.enrollments?.comparison).toMatchObject({ value: 90, change: -30 });
  });

  it('leaves out the comparison when the comparison window has no data, and relativeChange when the base is 0', () => {
    // Prepare: a baseline without data, and one whose partner count is zero
    const empty = cooperation({ baseline: { from: '2026-01-01', to: '2026-01-07' } });
    const zeroBase = [
      ...AGGREGATES.filter((a) => a.fileId !== KEY.w45),
      aggregate({ day: '2026-11-03', fileId: KEY.w45, generation: 'g1', m: enrollmentMeasures(20, 0) }),
    ];
    // Act
    const a = buildReport(inputs(empty));
    const b = buildReport(inputs(cooperation(), { aggregates: zeroBase }));
    // Assess
    expect(a.metrics.enrollments?.comparison).toBeUndefined();
    expect(b.metrics.partner_enrollment_share?.comparison).toMatchObject({ value: 0, change: 75, unit: 'pp' });
    expect(b.metrics.partner_enrollment_share?.comparison?.relativeChange).toBeUndefined();
  });

  it('computes the comparison window of a cooperation', () => {
    // Prepare
    const withBaseline = cooperation({ baseline: { from: '2026-09-01', to: '2026-09-30' } });
    // Act
    const a = comparisonWindow(cooperation(), W46);
    const b = comparisonWindow(withBaseline, W46);
    // Assess
    expect(a).toEqual({ kind: 'previous_period', from: '2026-11-02', to: '2026-11-08', label: '2026-W45' });
    expect(b).toEqual({ kind: 'baseline', from: '2026-09-01', to: '2026-09-30' });
  });
});

describe('buildReport: targets and expected deliveries', () => {
  it('judges targets and marks targeted metrics without data as insufficient_data (never a pass)', () => {
    // Prepare
    const coop = cooperation({
      targets: {
        enrollments: { min: 50 },
        partner_enrollment_share: { min: 0.5 },
        avg_rating: { min: 4.2 },
        refund_rate: { max: 0.1 },
      },
    });
    // Act
    const report = buildReport(inputs(coop));
    // Assess
    // 40 < 50 by the value alone (a count has no interval); 30 of 40 has the Wilson interval
    // [0.598, 0.858], wholly above 0.5; 0 of 40 has [0, 0.088], wholly below 0.1.
    expect(wilsonRoots(30, 40)[0]).toBeGreaterThan(0.5);
    expect(wilsonRoots(0, 40)[1]).toBeLessThan(0.1);
    expect(report.metrics.enrollments).toMatchObject({
      value: 40,
      status: 'not_met',
      basis: 'point',
      target: { min: 50 },
    });
    expect(report.metrics.partner_enrollment_share).toMatchObject({
      status: 'met',
      basis: 'interval',
      target: { min: 0.5 },
    });
    expect(report.metrics.refund_rate).toMatchObject({ value: 0, status: 'met' });
    expect(report.metrics.avg_rating).toEqual({
      value: null,
      n: 0,
      target: { min: 4.2 },
      status: 'insufficient_data',
      note: 'no feedback data in this period',
    });
    expect(report.missing.avg_rating).toBe('no feedback data in this period');
    expect(report.metrics.nps).toBeUndefined();
    expect(report.verdict).toMatchObject({ kind: 'attention', total: 4, met: 2, notMet: 1, insufficient: 1 });
  });

  it('is provisional while an expected delivery is missing, and names it on the affected metrics', () => {
    // Prepare: school must deliver enrollments and feedback; its W45 file does not count for W46
    const coop = cooperation({
      expects: { enrollments: ['platform', 'school'], feedback: ['school'] },
      model: { capability: { storage: 1, processing: 1, analysis: 1 } },
      targets: { enrollments: { min: 1 } },
    });
    const { files, aggregates } = withSchoolEnrollments('2026-11-04');
    // Act
    const report = buildReport(inputs(coop, { files, aggregates }));
    // Assess
    expect(report.state).toBe('provisional');
    expect(report.missingDeliveries).toEqual([
      { dataset: 'enrollments', partnerId: 'school' },
      { dataset: 'feedback', partnerId: 'school' },
    ]);
    expect(report.metrics.enrollments).toMatchObject({
      value: 40,
      status: 'provisional',
      note: 'waiting for enrollments from school',
    });
    expect(report.metrics.revenue).toMatchObject({
      status: 'provisional',
      note: 'waiting for enrollments from school',
    });
    expect(report.metrics.capability_score).toMatchObject({ value: 1 });
    expect(report.metrics.capability_score?.status).toBeUndefined();
    // Incomplete data is never compared: a lift would measure the missing delivery.
    expect(report.metrics.enrollments?.comparison).toBeUndefined();
    expect(report.metrics.enrollments?.noComparison).toBe('period_provisional');
    expect(report.verdict.kind).toBe('provisional');
  });

  it('is final once every expected partner delivered for the period', () => {
    // Prepare
    const coop = cooperation({ expects: { enrollments: ['platform', 'school'] } });
    const { files, aggregates } = withSchoolEnrollments('2026-11-12');
    // Act
    const report = buildReport(inputs(coop, { files, aggregates }));
    // Assess
    expect(report.state).toBe('final');
    expect(report.missingDeliveries).toEqual([]);
    expect(report.metrics.enrollments).toMatchObject({ value: 45 });
    expect(report.metrics.enrollments?.note).toBeUndefined();
  });
});

describe('buildReport: what a comparison needs', () => {
  it('compares the first period of a cooperation with nothing', () => {
    // Prepare: the cooperation starts in W46, so W45 lies before it
    const coop = cooperation({ starts: '2026-11-09' });
    // Act
    const report = buildReport(inputs(coop));
    // Assess
    expect(report.comparisonBasis).toEqual({ kind: 'none', reason: 'first_period' });
    expect(report.metrics.enrollments?.comparison).toBeUndefined();
    expect(report.liftTests).toBe(0);
  });

  it('never compares with a provisional earlier period', () => {
    // Prepare: school is expected to deliver enrollments; it did in W46 but not in W45
    const coop = cooperation({ expects: { enrollments: ['platform', 'school'] } });
    const { files, aggregates } = withSchoolEnrollments('2026-11-12');
    // Act
    const report = buildReport(inputs(coop, { files, aggregates }));
    // Assess
    expect(report.state).toBe('final');
    expect(report.comparisonBasis).toEqual({ kind: 'previous_period', label: '2026-W45', state: 'provisional' });
    expect(report.metrics.enrollments?.comparison).toBeUndefined();
    expect(report.metrics.enrollments?.noComparison).toBe('earlier_provisional');
  });

  it('keeps referral conversions maturing, unjudged, until the conversion window after the period has closed', () => {
    // Prepare: referral data in W46 (ends 2026-11-15), a target on the conversion rate, a 14-day window
    const coop = cooperation({ targets: { referral_conversion_rate: { min: 0.1 } } });
    const files = [
      ...FILES,
      fileRecord({
        key: 'inbox/coop/school/referrals/r.csv',
        partnerId: 'school',
        dataset: 'referrals',
        generation: 'g1',
        days: ['2026-11-10'],
      }),
    ];
    const aggregates = [
      ...AGGREGATES,
      aggregate({
        day: '2026-11-10',
        dataset: 'referrals',
        fileId: 'inbox/coop/school/referrals/r.csv',
        generation: 'g1',
        partnerId: 'school',
        m: { rows: 50, conversions: 20, revenue: 0, revenue_sq: 0 },
      }),
    ];
    // Act: as of the day the window closes (11-29) and the day after
    const open = buildReport(inputs(coop, { files, aggregates, asOf: '2026-11-29T12:00:00+08:00' }));
    const closed = buildReport(inputs(coop, { files, aggregates, asOf: '2026-11-30T06:00:00+08:00' }));
    // Assess
    expect(open.metrics.referral_conversion_rate).toMatchObject({ value: 0.4, status: 'maturing' });
    expect(open.metrics.referrals?.status).toBeUndefined();
    expect(closed.metrics.referral_conversion_rate).toMatchObject({ value: 0.4, status: 'met' });
  });
});

describe('buildReport: a targeted metric with no data from an expected partner', () => {
  it('names the missing delivery, not just "no data"', async () => {
    // Prepare: feedback expected from school, nothing delivered; avg_rating has a target.
    const { buildReport } = await import('../../../shared/report/build-report');
    const { cooperationSchema } = await import('../../../shared/config/schema');
    const { periodOfLabel } = await import('../../../shared/time/periods');
    const cooperation = cooperationSchema.parse({
      id: 'coop',
      name: 'C',
      type: 'joint_course',
      owner: 'platform',
      partners: ['platform', 'school'],
      timezone: 'UTC',
      starts: '2026-01-01',
      schedule: 'weekly',
      targets: { avg_rating: { min: 4 } },
      expects: { feedback: ['school'] },
    });
    // Act
    const report = buildReport({
      cooperation,
      period: periodOfLabel('2026-W46', 'UTC')!,
      asOf: '2026-11-16T06:00:00Z',
      files: [],
      aggregates: [],
      fileIdOf: (k) => k,
      crossliftVersion: 't',
    });
    // Assess
    expect(report.state).toBe('provisional');
    expect(report.metrics.avg_rating).toMatchObject({
      value: null,
      status: 'provisional',
      note: 'waiting for feedback from school',
    });
  });
});
