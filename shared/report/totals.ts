import { DATASET_MEASURES, type DatasetName, type MeasureOf } from '../datasets/names';
import { isCounted, type FileRecord } from '../storage/file-ledger';
import type { DayAggregate } from '../storage/day-aggregates';

/** Measures of one dataset summed over all counted files: per day, and over the whole window. */
export interface DatasetTotals {
  readonly days: Map<string, Record<string, number>>;
  readonly totals: Record<string, number>;
  /** Partners that delivered data for this dataset in the window. */
  readonly partners: Set<string>;
}

export type Totals = Map<DatasetName, DatasetTotals>;

/** One dataset's totals with its measures by name (0 where a stored day lacks one), or undefined without data. */
export const measuresOf = <D extends DatasetName>(totals: Totals, dataset: D) => {
  const found = totals.get(dataset);
  if (!found) return undefined;
  const names: readonly string[] = DATASET_MEASURES[dataset];
  const sums = Object.fromEntries(names.map((name) => [name, found.totals[name] ?? 0])) as Record<MeasureOf<D>, number>;
  return {
    days: found.days as unknown as ReadonlyMap<string, Readonly<Partial<Record<MeasureOf<D>, number>>>>,
    totals: sums,
    partners: found.partners,
  };
};

/** fileId -> the generation currently counted for it. */
export const activeGenerations = (
  records: readonly FileRecord[],
  fileIdOf: (key: string) => string,
): Map<string, string> => {
  const active = new Map<string, string>();
  for (const r of records) if (isCounted(r)) active.set(fileIdOf(r.key), r.generation);
  return active;
};

const add = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [name, value] of Object.entries(from)) into[name] = (into[name] ?? 0) + value;
};

/**
 * Sums the day aggregates of the counted generations between two days (inclusive).
 * Aggregates of replaced, withdrawn or half-written generations are skipped here, which is
 * what makes a crashed ingest harmless.
 */
export const sumAggregates = (
  aggregates: readonly DayAggregate[],
  active: ReadonlyMap<string, string>,
  fromDay: string,
  toDay: string,
): Totals => {
  const totals: Totals = new Map();
  for (const a of aggregates) {
    if (a.day < fromDay || a.day > toDay || active.get(a.fileId) !== a.generation) continue;
    let dataset = totals.get(a.dataset);
    if (!dataset) {
      dataset = { days: new Map(), totals: {}, partners: new Set() };
      totals.set(a.dataset, dataset);
    }
    let day = dataset.days.get(a.day);
    if (!day) {
      day = {};
      dataset.days.set(a.day, day);
    }
    add(day, a.m);
    add(dataset.totals, a.m);
    dataset.partners.add(a.partnerId);
  }
  return totals;
};
