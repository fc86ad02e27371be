import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EFFECT_MODEL_EXAMPLE } from '../../support/effect-model-example';
import { crosslift, tempDir } from '../../support/cli';

describe('crosslift model', () => {
  it('works through the published example: M = 2970', async () => {
    // Prepare
    const input = join(tempDir(), 'model.json');
    writeFileSync(input, JSON.stringify(EFFECT_MODEL_EXAMPLE));
    // Act
    const { code, stdout } = await crosslift(['model', '--input', input, '--json']);
    // Assess: by hand, S = 0.1, S' = 0.2, A_C = 80 + 20 + 0 = 100, A_A = 100 + 90 + 80 = 270, M = 0.11 * 100 * 270 = 2970.
    expect(code).toBe(0);
    const { result } = JSON.parse(stdout);
    expect(result.marketShare).toBeCloseTo(0.1, 12);
    expect(result.brandShare).toBeCloseTo(0.2, 12);
    expect(result.capabilityScore).toBeCloseTo(100, 12);
    expect(result.recommendationScore).toBeCloseTo(270, 12);
    expect(result.effectScore).toBeCloseTo(2970, 9);
  });

  it('names the file of broken JSON, and a missing input, as usage errors (exit 2)', async () => {
    // Prepare
    const dir = tempDir();
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "users": 1,');
    // Act
    const [bad, missing] = await Promise.all([
      crosslift(['model', '--input', broken, '--json']),
      crosslift(['model', '--input', join(dir, 'none.json')]),
    ]);
    // Assess
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      new RegExp(
        `^crosslift model: ${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid JSON: .+ \\(see 'crosslift model --help'\\)\\n$`,
      ),
    );
    expect(JSON.parse(bad.stdout).error.type).toBe('usage');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `crosslift model: no such file: ${join(dir, 'none.json')} (see 'crosslift model --help')\n`,
    );
  });
});
