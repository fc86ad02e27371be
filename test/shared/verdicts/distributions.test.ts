import fc from 'fast-check';
import jStatPackage from 'jstat';
import { describe, expect, it } from 'vitest';
import { jStat } from '../../../shared/verdicts/distributions';

/**
 * The port of jStat's functions returns exactly the package's doubles (the report's numbers do
 * not move by a bit): Student's t CDF and quantile, the normal CDF, the incomplete beta.
 */
const pkg = jStatPackage as unknown as typeof jStat;
const same = (a: number, b: number) => {
  expect(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))).toBe(true);
};

const dfArb = fc.oneof(fc.integer({ min: 1, max: 400 }), fc.double({ min: 0.5, max: 1e4, noNaN: true }));

describe('shared/verdicts/distributions against the jstat package', () => {
  it('studentt.inv: the same quantile for any probability and degrees of freedom (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0.975, 0.025, 0.5, 0.95, 1e-12, 1 - 1e-12)), dfArb, (p, df) => {
        same(jStat.studentt.inv(p, df), pkg.studentt.inv(p, df));
      }),
      { numRuns: 5000 },
    );
  });

  it('studentt.cdf: the same probability (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e3, max: 1e3, noNaN: true }), dfArb, (x, df) => {
        same(jStat.studentt.cdf(x, df), pkg.studentt.cdf(x, df));
      }),
      { numRuns: 5000 },
    );
  });

  it('normal.cdf and ibeta: the same values (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -40, max: 40, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: 1e-3, max: 10, noNaN: true }),
        (x, mean, sd) => {
          same(jStat.normal.cdf(x, mean, sd), pkg.normal.cdf(x, mean, sd));
        },
      ),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.double({ min: -0.1, max: 1.1, noNaN: true }), fc.double({ min: 0.05, max: 500, noNaN: true }), fc.double({ min: 0.05, max: 500, noNaN: true }), (x, a, b) => {
        same(jStat.ibeta(x, a, b), pkg.ibeta(x, a, b));
      }),
      { numRuns: 3000 },
    );
  });

  it('the bundles no longer carry the package: nothing in shared/ imports jstat', async () => {
    const { execSync } = await import('node:child_process');
    const found = execSync("grep -rln \"from 'jstat'\" shared functions || true", { encoding: 'utf8' }).trim();
    expect(found).toBe('');
  });
});
