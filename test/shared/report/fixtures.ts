import { cooperationSchema, type Cooperation } from '../../../shared/config/schema';
import type { DatasetName } from '../../../shared/datasets/names';
import { Z95 } from '../../../shared/report/stats';
import { JOINT_COURSE } from '../../support/config';
import { normalCdfSeries } from '../../support/reference-distributions';
import type { DatasetTotals, Totals } from '../../../shared/report/totals';
import type { FileRecord } from '../../../shared/storage/file-ledger';
import type { DayAggregate } from '../../../shared/storage/day-aggregates';

/** A cooperation as the config loader would give it (defaults applied). */
export const cooperation = (overrides: Record<string, unknown> = {}): Cooperation =>
  cooperationSchema.parse({ ...JOINT_COURSE, ...overrides });

/** Totals of one dataset from its per-day measures, summed here. */
export const datasetTotals = (
  days: Record<string, Record<string, number>>,
  partners: string[] = ['platform'],
): DatasetTotals => {
  const totals: Record<string, number> = {};
  for (const m of Object.values(days)) for (const [k, v] of Object.entries(m)) totals[k] = (totals[k] ?? 0) + v;
  return { days: new Map(Object.entries(days)), totals, partners: new Set(partners) };
};

export const totalsOf = (entries: Partial<Record<DatasetName, DatasetTotals>>): Totals =>
  new Map(Object.entries(entries) as [DatasetName, DatasetTotals][]);

/** Wilson bounds as the roots of (p^ - p)^2 = z^2 p (1 - p) / n, by the quadratic formula. */
export const wilsonRoots = (x: number, n: number) => {
  const p = x / n;
  const a = 1 + (Z95 * Z95) / n;
  const b = -(2 * p + (Z95 * Z95) / n);
  const d = Math.sqrt(b * b - 4 * a * p * p);
  return [Math.max(0, (-b - d) / (2 * a)), Math.min(1, (-b + d) / (2 * a))] as const;
};

/** Standard normal CDF by the Maclaurin series of erf (written apart from the code under test). */
export const normalCdf = normalCdfSeries;

export const fileRecord = (overrides: Partial<FileRecord> & Pick<FileRecord, 'key'>): FileRecord => ({
  cooperationId: 'coop',
  partnerId: 'platform',
  dataset: 'enrollments',
  status: 'accepted',
  sequencer: '0001',
  rows: 1,
  rejectedRows: 0,
  errorCount: 0,
  errors: [],
  days: [],
  updatedAt: '2026-11-16T00:00:00Z',
  ...overrides,
});

export const aggregate = (
  overrides: Partial<DayAggregate> & Pick<DayAggregate, 'day' | 'fileId' | 'generation' | 'm'>,
): DayAggregate => ({
  dataset: 'enrollments',
  partnerId: 'platform',
  ...overrides,
});
