import { describe, expect, it } from 'vitest';
import { cooperationSchema } from '../../../shared/config/schema';
import { buildReport } from '../../../shared/report/build-report';
import { DEFAULT_HIGHLIGHTS, highlightsOf } from '../../../shared/report/highlights';
import { periodOfLabel } from '../../../shared/time/periods';
import { cooperation } from './fixtures';
import { JOINT_COURSE } from '../../support/config';

describe("highlights: the report email's tiles", () => {
  it("are the headline metrics of the cooperation's type, completed to four with its targets", () => {
    expect(highlightsOf(cooperation({ type: 'joint_course', targets: {} }))).toEqual([
      'enrollments',
      'revenue',
      'partner_enrollment_share',
      'avg_rating',
    ]);
    expect(highlightsOf(cooperation({ type: 'joint_ads', targets: {} }))).toEqual([
      'ad_spend',
      'ad_roas',
      'ad_cac',
      'ad_conversions',
    ]);
    expect(
      highlightsOf(cooperation({ type: 'referral', targets: { nps: { min: 20 }, referrals: { min: 5 } } })),
    ).toEqual(['referrals', 'referral_conversion_rate', 'referral_revenue', 'nps']);
    expect(highlightsOf(cooperation({ type: 'co_branding', targets: {} }))).toEqual(['brand_influence', 'brand_share']);
    expect(highlightsOf(cooperation({ type: 'joint_event', targets: {} }))).toEqual(DEFAULT_HIGHLIGHTS.joint_event);
  });

  it('can be chosen per cooperation, checked against the metric names', () => {
    expect(highlightsOf(cooperation({ highlights: ['nps', 'avg_rating', 'nps'] }))).toEqual(['nps', 'avg_rating']);
    const bad = cooperationSchema.safeParse({ ...JOINT_COURSE, highlights: ['enrolments'] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['highlights', 0]);
    expect(cooperationSchema.safeParse({ ...JOINT_COURSE, highlights: [] }).success).toBe(false);
    expect(
      cooperationSchema.safeParse({
        ...JOINT_COURSE,
        highlights: ['enrollments', 'revenue', 'refund_rate', 'referrals', 'nps', 'avg_rating', 'ad_cac'],
      }).success,
    ).toBe(false);
  });

  it('are carried by the report, so the email needs no config', () => {
    const c = cooperation({ highlights: ['nps'] });
    const report = buildReport({
      cooperation: c,
      period: periodOfLabel('2026-W46', 'Asia/Shanghai')!,
      asOf: '2026-12-30T00:00:00+08:00',
      files: [],
      aggregates: [],
      fileIdOf: (key) => key,
      crossliftVersion: 'x',
    });
    expect(report.highlights).toEqual(['nps']);
  });
});
