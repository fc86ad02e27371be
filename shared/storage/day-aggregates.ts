import * as z from 'zod';
import { DATASET_NAMES, type DatasetName } from '../datasets/names';
import { batchWrite, coopPk, parseItem, queryAll, withoutKeys, type TableRef } from './table';

const KIND = 'day aggregate';
// Business series (the `series` dataset) live in a partition of their own: reports read the
// metrics' days without them, and the incremental-effect estimate reads only them.
const dayPk = (cooperationId: string, dataset: DatasetName) =>
  dataset === 'series' ? `${coopPk(cooperationId)}#SERIES` : `${coopPk(cooperationId)}#DAY`;

const dayAggregateSchema = z.object({
  day: z.string(),
  dataset: z.enum(DATASET_NAMES),
  partnerId: z.string(),
  fileId: z.string(),
  generation: z.string(),
  /** Measures by name (see the dataset's definition). */
  m: z.record(z.string(), z.number()),
});

/** One file generation's measures for one day and dataset. */
export type DayAggregate = z.infer<typeof dayAggregateSchema>;

type AggregateKey = Pick<DayAggregate, 'day' | 'dataset' | 'fileId' | 'generation'>;

const aggregateSk = (a: AggregateKey) => `${a.day}#${a.dataset}#${a.fileId}#${a.generation}`;

export const putDayAggregates = (t: TableRef, cooperationId: string, aggregates: readonly DayAggregate[]) =>
  batchWrite(
    t,
    KIND,
    aggregates.map((a) => ({
      PutRequest: { Item: { pk: dayPk(cooperationId, a.dataset), sk: aggregateSk(a), ...a } },
    })),
  );

export const deleteDayAggregates = (t: TableRef, cooperationId: string, keys: readonly AggregateKey[]) =>
  batchWrite(
    t,
    KIND,
    keys.map((k) => ({ DeleteRequest: { Key: { pk: dayPk(cooperationId, k.dataset), sk: aggregateSk(k) } } })),
  );

const queryDays = async (t: TableRef, pk: string, fromDay: string, toDay: string): Promise<DayAggregate[]> =>
  (await queryAll(t, KIND, pk, { from: fromDay, to: `${toDay}#\uffff` })).map((item) =>
    parseItem(dayAggregateSchema, KIND, withoutKeys(item)),
  );

/** All day aggregates of the metrics' datasets from one day to another (inclusive): one paginated query. */
export const queryDayAggregates = (t: TableRef, cooperationId: string, fromDay: string, toDay: string) =>
  queryDays(t, dayPk(cooperationId, 'enrollments'), fromDay, toDay);

/** The `series` dataset's day aggregates (measures `value:<series>`) from one day to another (inclusive). */
export const querySeriesAggregates = (t: TableRef, cooperationId: string, fromDay: string, toDay: string) =>
  queryDays(t, dayPk(cooperationId, 'series'), fromDay, toDay);
