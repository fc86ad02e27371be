import type { VerdictLocale } from './target-status';

/**
 * How a metric's change reads: a `proportion` (a share in 0..1) changes in percentage points;
 * any other metric (`level`: counts, sums, means, ratios, scores such as NPS) in its own unit.
 */
export type ChangeScale = 'proportion' | 'level';

/** One side of a comparison: a period's value (null when it could not be computed) and whether it is final. */
export interface ComparedValue {
  readonly value: number | null;
  /** Provisional (a delivery missing) or maturing (a conversion window still open): never compared. */
  readonly provisional: boolean;
}

export type NoChangeReason = 'no_earlier_period' | 'period_provisional' | 'earlier_provisional' | 'no_value';

export type Change =
  | { readonly kind: 'none'; readonly reason: NoChangeReason }
  | {
      readonly kind: 'change';
      readonly earlier: number;
      /** current - earlier, x100 for proportions (unit `pp`); in the metric's own unit otherwise. */
      readonly difference: number;
      readonly unit: 'pp' | 'value';
      /** (current - earlier) / earlier, as a fraction (0.35 = +35%); only when earlier > 0. */
      readonly relative?: number;
      /** Why there is no relative change although there is a difference. */
      readonly relativeOmitted?: 'base_not_positive';
    };

/**
 * A change between a period and an earlier one. No change at all without an earlier period, when
 * either side is provisional (incomplete data would show lifts that are not there), or without
 * values. A relative change only on a positive base: on a zero base it is undefined, and on a
 * negative one (an NPS of -20 going to -10) its sign reads backwards.
 */
export const expressChange = (
  current: ComparedValue,
  earlier: ComparedValue | undefined,
  scale: ChangeScale,
): Change => {
  if (!earlier) return { kind: 'none', reason: 'no_earlier_period' };
  if (current.provisional) return { kind: 'none', reason: 'period_provisional' };
  if (earlier.provisional) return { kind: 'none', reason: 'earlier_provisional' };
  const hasValue = (v: number | null): v is number => v !== null && Number.isFinite(v);
  if (!hasValue(current.value) || !hasValue(earlier.value)) return { kind: 'none', reason: 'no_value' };
  const raw = current.value - earlier.value;
  const difference = scale === 'proportion' ? raw * 100 : raw;
  const unit = scale === 'proportion' ? 'pp' : 'value';
  return earlier.value > 0
    ? { kind: 'change', earlier: earlier.value, difference, unit, relative: raw / earlier.value }
    : { kind: 'change', earlier: earlier.value, difference, unit, relativeOmitted: 'base_not_positive' };
};

/**
 * The comparison basis among earlier periods: the latest final one (by label, which sorts in time
 * for ISO weeks and months), never a provisional one; undefined when there is none.
 */
export const latestFinalPeriod = <P extends { readonly label: string; readonly provisional: boolean }>(
  earlier: readonly P[],
): P | undefined =>
  earlier
    .filter((p) => !p.provisional)
    .reduce<P | undefined>((best, p) => (!best || p.label > best.label ? p : best), undefined);

/** A magnitude with the sign of x; no sign when the shown digits are all zero ("0.0", not "-0.0"). */
const signed = (x: number, magnitude: string) => (/[1-9]/.test(magnitude) ? (x > 0 ? '+' : '-') : '') + magnitude;

/**
 * A change for text: "+2.1 pp (+35%)", "-3.2" or "no earlier period" and its Chinese equivalent.
 * `formatValue` formats a level difference in the metric's unit (default: up to 3 significant digits).
 */
export const renderChange = (
  change: Change,
  locale: VerdictLocale,
  formatValue: (x: number) => string = (x) => String(Number(x.toPrecision(3))),
): string => {
  const en = locale === 'en';
  if (change.kind === 'none') {
    const reasons: Record<NoChangeReason, [string, string]> = {
      no_earlier_period: ['no earlier period to compare with', '无可比较的前期'],
      period_provisional: ['not compared: this period is provisional', '未比较：本期为暂定数据'],
      earlier_provisional: ['not compared: the earlier period is provisional', '未比较：前期为暂定数据'],
      no_value: ['not compared: a value is missing', '未比较：缺少数值'],
    };
    return reasons[change.reason][en ? 0 : 1];
  }
  const size = Math.abs(change.difference);
  const magnitude = change.unit === 'pp' ? size.toFixed(1) : formatValue(size);
  const absolute = signed(change.difference, magnitude) + (change.unit === 'pp' ? (en ? ' pp' : ' 个百分点') : '');
  if (change.relative === undefined) return absolute;
  const percent = signed(change.relative, `${Math.abs(change.relative * 100).toFixed(1)}%`);
  return en ? `${absolute} (${percent})` : `${absolute}（${percent}）`;
};
