import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crosslift, EXAMPLE, tempDir } from '../../support/cli';

/**
 * The example's series are generated (scripts/generate-example.ts) with a known effect: the joint
 * course adds 12 enrollments a day to the academy from 2026-10-05; through 2026-11-22 that is 49 days.
 */
const TRUE_EFFECT_SINCE_START = 12 * 49;

describe('crosslift impact', () => {
  it('prints the example academy enrollments against the counterfactual, the interval covering the generated effect', async () => {
    // Act
    const { code, stdout } = await crosslift([
      'impact',
      '--data',
      EXAMPLE,
      '--cooperation',
      'joint-course',
      '--period',
      '2026-W47',
      '--json',
    ]);
    // Assess
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.period).toEqual({ label: '2026-W47', startDay: '2026-11-16', endDay: '2026-11-22' });
    const [impact] = result.impact;
    expect(impact).toMatchObject({ outcome: 'beacon-academy/total_enrollments', status: 'effect', withControls: true });
    expect(impact.cumulative.since).toBe('2026-10-05');
    expect(impact.cumulative.ci[0]).toBeLessThanOrEqual(TRUE_EFFECT_SINCE_START);
    expect(impact.cumulative.ci[1]).toBeGreaterThanOrEqual(TRUE_EFFECT_SINCE_START);
    expect(impact.fit.preperiodDays).toBe(126);
    expect(impact.placebo.checks).toBeGreaterThan(0);
    expect(impact.period.effect).toBeCloseTo(impact.period.actual - impact.period.counterfactual, 6);
  });

  it('shows the estimate in the report email in both locales', async () => {
    // Prepare
    const out = tempDir();
    // Act
    const { code } = await crosslift(['run', '--data', EXAMPLE, '--as-of', '2026-11-23T06:00:00+08:00', '--out', out]);
    // Assess: the zhixue contact reads English, the academy's Chinese (see the example config)
    expect(code).toBe(0);
    const emails = readdirSync(out).filter((f) => f.endsWith('.html'));
    const html = emails.map((f) => readFileSync(join(out, f), 'utf8'));
    expect(
      html.some((h) => h.includes('What the cooperation caused') && h.includes('The cooperation added about')),
    ).toBe(true);
    expect(html.some((h) => h.includes('合作带来的增量') && h.includes('合作约新增'))).toBe(true);
  });

  it('refuses a cooperation without an impact estimate as a usage error', async () => {
    // Act
    const { code, stderr } = await crosslift(['impact', '--data', EXAMPLE, '--cooperation', 'nope']);
    // Assess
    expect(code).toBe(2);
    expect(stderr).toContain('unknown cooperation "nope"');
  });
});
