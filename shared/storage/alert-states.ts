import * as z from 'zod';
import { coopPk, parseItem, putIfAbsent, queryAll, replaceIf, withoutKeys, type TableRef } from './table';

const KIND = 'alert state';
const alertSk = (key: string) => `ALERT#${key}`;

const transitionSchema = z.looseObject({
  key: z.string(),
  metric: z.string(),
  transition: z.enum(['firing', 'resolved', 'no_data']),
  period: z.string(),
});

const alertItemSchema = z.looseObject({
  key: z.string(),
  state: z.enum(['ok', 'firing']),
  period: z.string(),
  version: z.number(),
  pending: z.array(transitionSchema),
  cusum: z.number().optional(),
  recoveryStreak: z.number().optional(),
  lastPeriod: z.string().optional(),
  dayVariance: z.object({ squares: z.number(), df: z.number() }).optional(),
});

/** One alert's stored state (a metric, or `data:<dataset>`), with the transitions not yet emailed. */
export interface StoredAlert<Transition> {
  readonly key: string;
  readonly state: 'ok' | 'firing';
  /** The period of the last transition: older periods never move the state back. */
  readonly period: string;
  readonly version: number;
  readonly pending: readonly Transition[];
  /** The metric detector's memory (see shared/verdicts/alert-detector.ts). */
  readonly cusum?: number;
  readonly recoveryStreak?: number;
  readonly lastPeriod?: string;
  /** A total's daily variance pooled over the periods folded in (shared/alerts/evaluate.ts). */
  readonly dayVariance?: { readonly squares: number; readonly df: number };
}

/** Every alert state of a cooperation, by key. */
export const loadAlerts = async <Transition>(
  t: TableRef,
  cooperationId: string,
): Promise<Map<string, StoredAlert<Transition>>> => {
  const items = await queryAll(t, KIND, coopPk(cooperationId), { prefix: 'ALERT#' });
  return new Map(
    items.map((item) => {
      const alert = parseItem(alertItemSchema, KIND, withoutKeys(item)) as unknown as StoredAlert<Transition>;
      return [alert.key, alert];
    }),
  );
};

/**
 * Stores an alert's next state if nobody moved it since `previousVersion` was read (a new alert
 * when undefined). Returns false when another run won.
 */
export const saveAlert = <Transition>(
  t: TableRef,
  cooperationId: string,
  alert: StoredAlert<Transition>,
  previousVersion: number | undefined,
) => {
  const item = { pk: coopPk(cooperationId), sk: alertSk(alert.key), ...alert };
  return previousVersion === undefined
    ? putIfAbsent(t, KIND, item)
    : replaceIf(t, KIND, item, 'version', previousVersion);
};
