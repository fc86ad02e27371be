import { readFileSync } from 'node:fs';
import { effectModelInputSchema, evaluateEffectModel } from '../../shared/report/effect-model';
import { checkReadable } from '../checks';
import { UsageError, writeJson, writeResult } from '../output';

export interface ModelFlags {
  readonly input: string;
  readonly json?: boolean;
}

/** `crosslift model`: the cross-over effect model on given inputs (what-if planning). */
export const modelCommand = async (flags: ModelFlags): Promise<number> => {
  checkReadable(flags.input, 'file');
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(flags.input, 'utf8'));
  } catch (error) {
    throw new UsageError(`${flags.input}: not valid JSON: ${(error as Error).message}`);
  }
  const parsed = effectModelInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new UsageError(
      `${flags.input}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  const result = evaluateEffectModel(parsed.data);
  if (flags.json) {
    writeJson({ input: parsed.data, result });
    return 0;
  }
  const i = parsed.data;
  const f = (n: number) => new Intl.NumberFormat('en', { maximumFractionDigits: 6 }).format(n);
  writeResult(
    [
      `User scale            U  = ${f(result.userScale)}`,
      `Brand influence       B  = ${f(result.brandInfluence)}`,
      `Market share          S  = U / T = ${f(i.users)} / ${f(i.marketUsers)} = ${f(result.marketShare)}`,
      `Brand share           S' = B / T' = ${f(i.brand)} / ${f(i.marketBrand)} = ${f(result.brandShare)}`,
      `Capability score      A_C = ${i.alpha.map(f).join('/')} x ${f(i.capability.storage)}/${f(i.capability.processing)}/${f(i.capability.analysis)} = ${f(result.capabilityScore)}`,
      `Recommendation score  A_A = ${i.beta.map(f).join('/')} x ${i.records.map(f).join('/')} = ${f(result.recommendationScore)}`,
      `Effect score          M  = (U + B) / T x A_C x A_A = ${f(result.effectScore)}`,
    ].join('\n') + '\n',
  );
  return 0;
};
