import { describe, expect, it } from 'vitest';
import {
  capabilityScore,
  DEFAULT_ALPHA,
  DEFAULT_BETA,
  effectScore,
  evaluateEffectModel,
  recommendationScore,
  type EffectModelInput,
} from '../../../shared/report/effect-model';
import { EFFECT_MODEL_EXAMPLE } from '../../support/effect-model-example';

/** The published worked example of the model. */
const EXAMPLE: EffectModelInput = EFFECT_MODEL_EXAMPLE;

describe('effect model: the published example', () => {
  it("gives S = 0.1, S' = 0.2, A_C = 100, A_A = 270 and M = 2970", () => {
    // Prepare: by hand
    //   S  = 1,000,000 / 10,000,000 = 0.1;  S' = 100,000 / 500,000 = 0.2
    //   A_C = 0.8*100 + 0.2*100 + 0*100 = 100;  A_A = 0.5*200 + 0.3*300 + 0.2*400 = 270
    //   M  = (1,100,000 / 10,000,000) * 100 * 270 = 0.11 * 27,000 = 2970
    const input = EXAMPLE;
    // Act
    const result = evaluateEffectModel(input);
    // Assess
    expect(result.userScale).toBe(1_000_000);
    expect(result.brandInfluence).toBe(100_000);
    expect(result.marketShare).toBeCloseTo(0.1, 12);
    expect(result.brandShare).toBeCloseTo(0.2, 12);
    expect(result.capabilityScore).toBeCloseTo(100, 10);
    expect(result.recommendationScore).toBeCloseTo(270, 10);
    expect(result.effectScore).toBeCloseTo(2970, 8);
  });

  it('uses the published alpha and beta as defaults', () => {
    // Prepare
    const { alpha: _a, beta: _b, ...withoutWeights } = EXAMPLE;
    // Act
    const result = evaluateEffectModel(withoutWeights);
    // Assess
    expect(DEFAULT_ALPHA).toEqual([0.8, 0.2, 0]);
    expect(DEFAULT_BETA).toEqual([0.5, 0.3, 0.2]);
    expect(result.effectScore).toBeCloseTo(2970, 8);
  });

  it('exposes the parts as plain functions', () => {
    // Prepare: a second example by hand: A_C = 0.5*10 + 0.25*20 + 0.25*40 = 20; A_A = 1*1 + 2*2 + 3*3 = 14
    // M = ((30 + 10) / 200) * 20 * 14 = 0.2 * 280 = 56
    // Act
    const ac = capabilityScore([0.5, 0.25, 0.25], { storage: 10, processing: 20, analysis: 40 });
    const aa = recommendationScore([1, 2, 3], [1, 2, 3]);
    const m = effectScore(30, 10, 200, ac, aa);
    // Assess
    expect(ac).toBe(20);
    expect(aa).toBe(14);
    expect(m).toBeCloseTo(56, 12);
  });
});

describe('effect model: input validation', () => {
  it.each<[string, Record<string, unknown>]>([
    ['negative users', { users: -1 }],
    ['negative brand', { brand: -0.5 }],
    ['zero market users', { marketUsers: 0 }],
    ['zero market brand', { marketBrand: 0 }],
    ['two records', { records: [1, 2] }],
    ['an unknown key', { extra: 1 }],
    ['an unknown capability key', { capability: { storage: 1, processing: 1, analysis: 1, network: 1 } }],
    ['text for a number', { users: '1000' }],
  ])('refuses %s', (_name, override) => {
    // Prepare
    const input = { ...EXAMPLE, ...override } as EffectModelInput;
    // Act
    const evaluate = () => evaluateEffectModel(input);
    // Assess
    expect(evaluate).toThrow();
  });
});
