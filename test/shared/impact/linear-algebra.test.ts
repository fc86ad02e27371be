import { describe, expect, it } from 'vitest';
import {
  choleskyUpper,
  inverseQuadraticForm,
  leastSquares,
  solveUpper,
  solveUpperTransposed,
} from '../../../shared/impact/linear-algebra';
import { inverse, logAbsDeterminant, multiply, transpose } from './dense-reference';
import { normalSampler, seededRandom } from './simulated-series';

const columnsOf = (rows: number[][]) => rows[0]!.map((_, j) => rows.map((row) => row[j]!));

describe('leastSquares', () => {
  it('gives the closed-form simple regression: slope Sxy / Sxx, intercept ybar - slope xbar', () => {
    // Prepare
    const x = [1, 2, 3, 4, 5, 6, 7];
    const y = [2.1, 3.9, 6.2, 7.8, 10.1, 12.2, 13.8];
    const xbar = x.reduce((s, v) => s + v, 0) / x.length;
    const ybar = y.reduce((s, v) => s + v, 0) / y.length;
    const sxy = x.reduce((s, v, i) => s + (v - xbar) * (y[i]! - ybar), 0);
    const sxx = x.reduce((s, v) => s + (v - xbar) ** 2, 0);
    const slope = sxy / sxx;
    const intercept = ybar - slope * xbar;
    const rss = y.reduce((s, v, i) => s + (v - intercept - slope * x[i]!) ** 2, 0);
    // Act
    const fit = leastSquares([x.map(() => 1), x], y);
    // Assess
    if (!fit.ok) throw new Error('expected a fit');
    expect(fit.coefficients[0]).toBeCloseTo(intercept, 12);
    expect(fit.coefficients[1]).toBeCloseTo(slope, 12);
    expect(fit.residualSumOfSquares).toBeCloseTo(rss, 12);
    // det(X'X) = n Sxx for this design.
    expect(fit.logDetCrossProduct).toBeCloseTo(Math.log(x.length * sxx), 12);
  });

  it('solves a square system exactly', () => {
    // Prepare: 2a + b - c = 8, -3a - b + 2c = -11, -2a + b + 2c = -3 has the solution (2, 3, -1)
    const rows = [
      [2, 1, -1],
      [-3, -1, 2],
      [-2, 1, 2],
    ];
    // Act
    const fit = leastSquares(columnsOf(rows), [8, -11, -3]);
    // Assess
    if (!fit.ok) throw new Error('expected a fit');
    expect(fit.coefficients[0]).toBeCloseTo(2, 12);
    expect(fit.coefficients[1]).toBeCloseTo(3, 12);
    expect(fit.coefficients[2]).toBeCloseTo(-1, 12);
    expect(fit.residualSumOfSquares).toBeLessThan(1e-20);
  });

  it("matches the normal equations (X'X)^-1 X'y on a random tall design, with R'R = X'X", () => {
    // Prepare
    const normal = normalSampler(seededRandom(7));
    const rows = Array.from({ length: 40 }, (_, i) => [1, i / 40, normal(), i % 7 === 2 ? 1 : 0, normal() * 100]);
    const y = rows.map((row) => 3 + 2 * row[1]! - row[2]! + 0.5 * row[3]! + 0.01 * row[4]! + normal());
    const xtx = multiply(transpose(rows), rows);
    const expected = multiply(
      inverse(xtx),
      multiply(
        transpose(rows),
        y.map((v) => [v]),
      ),
    ).map((r) => r[0]!);
    // Act
    const fit = leastSquares(columnsOf(rows), y);
    // Assess
    if (!fit.ok) throw new Error('expected a fit');
    fit.coefficients.forEach((b, j) => expect(b).toBeCloseTo(expected[j]!, 9));
    const rtr = multiply(
      transpose(fit.r.map((row) => [...row])),
      fit.r.map((row) => [...row]),
    );
    rtr.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(xtx[i]![j]!, 8)));
    expect(fit.logDetCrossProduct).toBeCloseTo(logAbsDeterminant(xtx), 9);
  });

  it('names the first column that is a combination of the earlier ones', () => {
    // Prepare: column 2 = 3 x column 0 - column 1
    const a = [1, 1, 1, 1, 1];
    const b = [1, 2, 3, 4, 6];
    const dependent = a.map((v, i) => 3 * v - b[i]!);
    // Act
    const fit = leastSquares([a, b, dependent, [5, 1, 4, 2, 3]], [1, 2, 3, 4, 5]);
    // Assess
    expect(fit).toEqual({ ok: false, dependentColumn: 2 });
  });

  it('reports a column of zeros as dependent', () => {
    // Prepare / Act
    const fit = leastSquares(
      [
        [1, 1, 1],
        [0, 0, 0],
      ],
      [1, 2, 3],
    );
    // Assess
    expect(fit).toEqual({ ok: false, dependentColumn: 1 });
  });
});

describe('triangular solves', () => {
  it("solve R x = b and R'z = c, and c'(R'R)^-1 c, as the dense inverse does", () => {
    // Prepare
    const r = [
      [2, -1, 0.5],
      [0, 3, 1],
      [0, 0, -4],
    ];
    const b = [1, 2, 3];
    const rtr = multiply(transpose(r), r);
    // Act
    const x = solveUpper(r, b);
    const z = solveUpperTransposed(r, b);
    const quadratic = inverseQuadraticForm(r, b);
    // Assess
    multiply(
      r,
      x.map((v) => [v]),
    ).forEach((row, i) => expect(row[0]).toBeCloseTo(b[i]!, 12));
    multiply(
      transpose(r),
      z.map((v) => [v]),
    ).forEach((row, i) => expect(row[0]).toBeCloseTo(b[i]!, 12));
    const dense = multiply(
      multiply([b], inverse(rtr)),
      b.map((v) => [v]),
    )[0]![0]!;
    expect(quadratic).toBeCloseTo(dense, 12);
  });
});

describe('choleskyUpper', () => {
  it('factors [[4, 12, -16], [12, 37, -43], [-16, -43, 98]] into R = [[2, 6, -8], [0, 1, 5], [0, 0, 3]]', () => {
    // Prepare
    const a = [
      [4, 12, -16],
      [12, 37, -43],
      [-16, -43, 98],
    ];
    // Act
    const factor = choleskyUpper(a);
    // Assess
    expect(factor).toEqual({
      ok: true,
      r: [
        [2, 6, -8],
        [0, 1, 5],
        [0, 0, 3],
      ],
    });
  });

  it('names the pivot where a matrix stops being positive definite', () => {
    // Prepare: the second row is twice the first
    const singular = [
      [1, 2, 0],
      [2, 4, 0],
      [0, 0, 1],
    ];
    // Act / Assess
    expect(choleskyUpper(singular)).toEqual({ ok: false, pivot: 1 });
  });
});
