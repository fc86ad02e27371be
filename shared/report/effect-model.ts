import * as z from 'zod';

/**
 * The cross-over effect model. Inputs follow the published notation:
 * U user scale, B brand influence, T market users, T' market brand total,
 * A_C = a1*storage + a2*processing + a3*analysis (capability),
 * A_A = b1*M1 + b2*M2 + b3*M3 (recommendation, from activity, enrollment and feedback records),
 * S = U/T (market share), S' = B/T' (brand share), M = (U + B) / T * A_C * A_A (effect score).
 */
export const DEFAULT_ALPHA = [0.8, 0.2, 0] as const;
export const DEFAULT_BETA = [0.5, 0.3, 0.2] as const;

const triple = z.tuple([z.number(), z.number(), z.number()]);

export const effectModelInputSchema = z
  .object({
    users: z.number().nonnegative().describe('U: user scale'),
    brand: z.number().nonnegative().describe('B: brand influence'),
    marketUsers: z.number().positive().describe('T: users in the whole market'),
    marketBrand: z.number().positive().describe("T': brand influence of the whole market"),
    capability: z.object({ storage: z.number(), processing: z.number(), analysis: z.number() }).strict(),
    alpha: triple.default([...DEFAULT_ALPHA]),
    records: triple.describe('[M1 activity records, M2 enrollments, M3 feedback records]'),
    beta: triple.default([...DEFAULT_BETA]),
  })
  .strict();

export type EffectModelInput = z.input<typeof effectModelInputSchema>;

export interface EffectModelResult {
  readonly userScale: number;
  readonly brandInfluence: number;
  readonly marketShare: number;
  readonly brandShare: number;
  readonly capabilityScore: number;
  readonly recommendationScore: number;
  readonly effectScore: number;
}

export const capabilityScore = (
  alpha: readonly [number, number, number],
  c: { storage: number; processing: number; analysis: number },
) => alpha[0] * c.storage + alpha[1] * c.processing + alpha[2] * c.analysis;

export const recommendationScore = (
  beta: readonly [number, number, number],
  records: readonly [number, number, number],
) => beta[0] * records[0] + beta[1] * records[1] + beta[2] * records[2];

export const effectScore = (
  users: number,
  brand: number,
  marketUsers: number,
  capability: number,
  recommendation: number,
) => ((users + brand) / marketUsers) * capability * recommendation;

export const evaluateEffectModel = (input: EffectModelInput): EffectModelResult => {
  const i = effectModelInputSchema.parse(input);
  const capability = capabilityScore(i.alpha, i.capability);
  const recommendation = recommendationScore(i.beta, i.records);
  return {
    userScale: i.users,
    brandInfluence: i.brand,
    marketShare: i.users / i.marketUsers,
    brandShare: i.brand / i.marketBrand,
    capabilityScore: capability,
    recommendationScore: recommendation,
    effectScore: effectScore(i.users, i.brand, i.marketUsers, capability, recommendation),
  };
};
