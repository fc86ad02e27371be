import type { EffectModelInput } from '../../shared/report/effect-model';

/** The published worked example of the cross-over effect model (docs/effect-model.md): M = 2,970. */
export const EFFECT_MODEL_EXAMPLE: EffectModelInput = {
  users: 1_000_000,
  brand: 100_000,
  marketUsers: 10_000_000,
  marketBrand: 500_000,
  capability: { storage: 100, processing: 100, analysis: 100 },
  alpha: [0.8, 0.2, 0.0],
  records: [200, 300, 400],
  beta: [0.5, 0.3, 0.2],
};
