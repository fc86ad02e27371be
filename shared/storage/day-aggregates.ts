import * as z from 'zod';
import { DATASET_NAMES } from '../datasets/names';
import { batchWrite, coopPk, parseItem, queryAll, withoutKeys, type TableRef } from './table';

const KIND = 'day aggregate';
const dayPk = (cooperationId: string) => `${coopPk(cooperationId)}#DAY`;

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
    aggregates.map((a) => ({ PutRequest: { Item: { pk: dayPk(cooperationId), sk: aggregateSk(a), ...a } } })),
  );

export const deleteDayAggregates = (t: TableRef, cooperationId: string, keys: readonly AggregateKey[]) =>
  batchWrite(
    t,
    KIND,
    keys.map((k) => ({ DeleteRequest: { Key: { pk: dayPk(cooperationId), sk: aggregateSk(k) } } })),
  );

/** All day aggregates of a cooperation from one day to another (inclusive): one paginated query. */
export const queryDayAggregates = async (
  t: TableRef,
  cooperationId: string,
  fromDay: string,
  toDay: string,
): Promise<DayAggregate[]> =>
  (await queryAll(t, KIND, dayPk(cooperationId), { from: fromDay, to: `${toDay}#\uffff` })).map((item) =>
    parseItem(dayAggregateSchema, KIND, withoutKeys(item)),
  );

