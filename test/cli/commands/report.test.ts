import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crosslift, EXAMPLE, tempDir } from '../../support/cli';
import { METRICS_VERSION } from '../../../shared/report/build-report';

describe('crosslift report', () => {
  it('recomputes past periods and stores them; --out writes the report JSON', async () => {
    // Prepare
    const out = tempDir();
    // Act
    const { code, stdout } = await crosslift([
      'report',
      '--data',
      EXAMPLE,
      '--cooperation',
      'joint-course',
      '--from',
      '2026-W44',
      '--to',
      '2026-W45',
      '--out',
      out,
      '--json',
    ]);
    // Assess
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.reports.map((r: { period: { label: string } }) => r.period.label)).toEqual(['2026-W44', '2026-W45']);
    const stored = JSON.parse(readFileSync(join(out, 'joint-course-2026-W44.json'), 'utf8'));
    expect(stored.report.manifest.files.length).toBeGreaterThan(0);
    expect(stored.report.manifest.metricsVersion).toBe(METRICS_VERSION);
    expect(stored.revision).toBe(1);
  });

  it('refuses an unknown cooperation and labels of the wrong schedule as usage errors', async () => {
    // Act
    const [unknown, monthly] = await Promise.all([
      crosslift(['report', '--data', EXAMPLE, '--cooperation', 'nope', '--period', '2026-W44']),
      crosslift(['report', '--data', EXAMPLE, '--cooperation', 'joint-course', '--period', '2026-11', '--json']),
    ]);
    // Assess
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      `crosslift report: unknown cooperation "nope": the config has joint-course (see 'crosslift report --help')\n`,
    );
    expect(monthly.code).toBe(2);
    expect(JSON.parse(monthly.stdout).error.message).toBe(
      'crosslift report: joint-course is reported weekly: expected ISO week labels like 2026-W46, from <= to',
    );
  });
});
