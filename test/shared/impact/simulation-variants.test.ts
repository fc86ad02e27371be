import { describe, expect, it } from 'vitest';
import { estimateImpact } from '../../../shared/impact/estimate-impact';
import type { ImpactInput } from '../../../shared/impact/types';
import { DEFAULT_SCENARIO, runSimulations, simulateImpact, type Scenario } from './simulated-series';

/** Seeded simulations of the variants: no control, gaps, and the placebo check on sound and unsound models. */
const SCENARIO: Scenario = { ...DEFAULT_SCENARIO, innovationSd: 5 };
const estimate = (input: ImpactInput) => estimateImpact(input, { placebo: false, daily: false });

describe('the cumulative effect without controls and with gaps', () => {
  it('without a control: covers in >= 93% of 300 runs and claims no absent effect in more than 6%', () => {
    // Prepare / Act
    const withEffect = runSimulations({ ...SCENARIO, withControl: false }, 300, 200_001, estimate);
    const without = runSimulations({ ...SCENARIO, withControl: false, effectShare: 0 }, 300, 300_001, estimate);
    console.info('no control', { withEffect, without });
    // Assess
    expect(withEffect.coverage).toBeGreaterThanOrEqual(0.93);
    expect(without.coverage).toBeGreaterThanOrEqual(0.93);
    expect(without.detection).toBeLessThanOrEqual(0.06);
  });

  it('with a tenth of the days missing: covers in >= 93% of 300 runs', () => {
    // Prepare / Act
    const summary = runSimulations({ ...SCENARIO, missingShare: 0.1 }, 300, 400_001, estimate);
    console.info('10% of days missing', summary);
    // Assess
    expect(summary.coverage).toBeGreaterThanOrEqual(0.93);
    expect(summary.detection).toBeGreaterThanOrEqual(0.75);
  });
});

describe('the placebo check', () => {
  const RUNS = 100;

  it('rarely marks a sound model unreliable (<= 12% of runs; ~3-9% at 400) with ~5% false positives a check', () => {
    // Prepare
    let unreliable = 0;
    let checks = 0;
    let detections = 0;
    // Act
    for (let seed = 500_001; seed < 500_001 + RUNS; seed++) {
      const result = estimateImpact(simulateImpact({ ...SCENARIO, effectShare: 0 }, seed).input, { daily: false });
      if (result.status === 'unreliable') unreliable++;
      checks += result.placebo.checks;
      detections += result.placebo.detections;
    }
    console.info('placebo on a sound model', { unreliable: unreliable / RUNS, perCheck: detections / checks });
    // Assess
    expect(unreliable / RUNS).toBeLessThanOrEqual(0.12);
    expect(detections / checks).toBeLessThanOrEqual(0.08);
  });

  it('marks most misspecified models (a curved trend) unreliable', () => {
    // Prepare
    let unreliable = 0;
    // Act
    for (let seed = 600_001; seed < 600_001 + RUNS; seed++) {
      const { input } = simulateImpact({ ...SCENARIO, effectShare: 0 }, seed);
      const n = input.outcome.length;
      const outcome = input.outcome.map((d, i) => ({ day: d.day, value: d.value + 160 * (i / n - 0.5) ** 2 }));
      if (estimateImpact({ ...input, outcome }, { daily: false }).status === 'unreliable') unreliable++;
    }
    console.info('placebo on a curved trend', { unreliable: unreliable / RUNS });
    // Assess
    expect(unreliable / RUNS).toBeGreaterThanOrEqual(0.75);
  });
});
