import type { Interval } from '../report/stats';

/** The locales the verdict texts are written in (the same two as the emails). */
export type VerdictLocale = 'en' | 'zh-CN';

/** A metric's estimate for one period: its value (null when its inputs are missing), n and 95% interval. */
export interface Estimate {
  readonly value: number | null;
  readonly n: number;
  readonly ci?: Interval;
}

/** A target as configured: exactly one of min or max. */
export interface TargetSpec {
  readonly min?: number;
  readonly max?: number;
  readonly mode?: 'confident' | 'point';
  readonly minSample?: number;
}

/** Which way a target points and its bound: `min` is met at or above the bound, `max` at or below. */
export interface TargetBound {
  readonly direction: 'min' | 'max';
  readonly bound: number;
}

export type Side = 'below' | 'above';

/**
 * Whether a whole 95% interval decided the status (`interval`) or the value alone (`point`: a
 * metric without an interval, or a target in point mode), so the text can say no interval backs it.
 */
export type StatusBasis = 'interval' | 'point';

/**
 * A targeted metric's status for one period:
 * - `met`: the whole interval is on the target's side (point basis: the value is);
 * - `not_met`: the whole interval is on the wrong side (point basis: the value is);
 * - `inconclusive`: the interval straddles the bound; `side` is where the point estimate is
 *   (an estimate exactly on the bound counts as meeting it, so its side is the target's side);
 * - `insufficient_data`: no value, or fewer observations than the minimum sample: never judged.
 */
export type TargetStatus =
  | { readonly outcome: 'met'; readonly basis: StatusBasis }
  | { readonly outcome: 'not_met'; readonly basis: StatusBasis }
  | { readonly outcome: 'inconclusive'; readonly basis: 'interval'; readonly side: Side }
  | { readonly outcome: 'insufficient_data'; readonly n: number; readonly minSample: number; readonly note: string };

/** The direction and bound of a target; throws unless exactly one of min and max is set (as the config schema does). */
export const targetBound = (target: Pick<TargetSpec, 'min' | 'max'>): TargetBound => {
  if (target.min !== undefined && target.max === undefined) return { direction: 'min', bound: target.min };
  if (target.max !== undefined && target.min === undefined) return { direction: 'max', bound: target.max };
  throw new Error('a target needs exactly one of min or max');
};

/** Whether a number is on the target's side of the bound (the bound itself meets the target). */
export const meetsBound = (x: number, { direction, bound }: TargetBound) =>
  direction === 'min' ? x >= bound : x <= bound;

/**
 * The status of an estimate against its target. `defaultMinSample` is the metric kind's default,
 * used when the target sets no `minSample`. Mode defaults to `confident` when there is an interval.
 */
export const targetStatus = (estimate: Estimate, target: TargetSpec, defaultMinSample: number): TargetStatus => {
  const bound = targetBound(target);
  const minSample = target.minSample ?? defaultMinSample;
  if (estimate.value === null || !Number.isFinite(estimate.value)) {
    return { outcome: 'insufficient_data', n: estimate.n, minSample, note: 'no value could be computed' };
  }
  if (estimate.n < minSample) {
    const note = `n = ${estimate.n} is below the minimum sample of ${minSample}`;
    return { outcome: 'insufficient_data', n: estimate.n, minSample, note };
  }
  const mode = target.mode ?? (estimate.ci ? 'confident' : 'point');
  if (mode === 'point' || !estimate.ci) {
    return { outcome: meetsBound(estimate.value, bound) ? 'met' : 'not_met', basis: 'point' };
  }
  const [low, high] = estimate.ci;
  const [near, far] = bound.direction === 'min' ? [low, high] : [high, low];
  if (meetsBound(near, bound)) return { outcome: 'met', basis: 'interval' };
  if (!meetsBound(far, bound)) return { outcome: 'not_met', basis: 'interval' };
  const side: Side =
    estimate.value === bound.bound
      ? bound.direction === 'min'
        ? 'above'
        : 'below'
      : estimate.value < bound.bound
        ? 'below'
        : 'above';
  return { outcome: 'inconclusive', basis: 'interval', side };
};

/** How many targeted metrics fall in each status. */
export interface VerdictCounts {
  readonly total: number;
  readonly met: number;
  /** Met by the value alone (no interval backs it); included in `met`. */
  readonly metByPointOnly: number;
  readonly notMet: number;
  readonly inconclusiveBelow: number;
  readonly inconclusiveAbove: number;
  readonly insufficient: number;
}

/**
 * A report's verdict over its targeted metrics. `all_met` only when every targeted metric is met
 * in a final report; a provisional report is never `all_met`, whatever its counts.
 */
export type Verdict =
  | { readonly kind: 'no_targets' }
  | ({ readonly kind: 'all_met' } & VerdictCounts)
  | ({ readonly kind: 'attention' } & VerdictCounts)
  | ({ readonly kind: 'provisional' } & VerdictCounts);

export const summariseVerdict = (statuses: readonly TargetStatus[], provisional: boolean): Verdict => {
  const counts: VerdictCounts = {
    total: statuses.length,
    met: statuses.filter((s) => s.outcome === 'met').length,
    metByPointOnly: statuses.filter((s) => s.outcome === 'met' && s.basis === 'point').length,
    notMet: statuses.filter((s) => s.outcome === 'not_met').length,
    inconclusiveBelow: statuses.filter((s) => s.outcome === 'inconclusive' && s.side === 'below').length,
    inconclusiveAbove: statuses.filter((s) => s.outcome === 'inconclusive' && s.side === 'above').length,
    insufficient: statuses.filter((s) => s.outcome === 'insufficient_data').length,
  };
  if (provisional) return { kind: 'provisional', ...counts };
  if (counts.total === 0) return { kind: 'no_targets' };
  return counts.met === counts.total ? { kind: 'all_met', ...counts } : { kind: 'attention', ...counts };
};

const enInconclusive = (below: number, above: number) => {
  const n = below + above;
  const estimates = n === 1 ? 'estimate' : 'estimates';
  if (above === 0) return `${n} not confirmed (${estimates} below target)`;
  if (below === 0) return `${n} not confirmed (${estimates} above target)`;
  return `${n} not confirmed (${below} ${below === 1 ? 'estimate' : 'estimates'} below target, ${above} above)`;
};

const zhInconclusive = (below: number, above: number) => {
  const n = below + above;
  if (above === 0) return `${n} 项尚未确认（估计值低于目标）`;
  if (below === 0) return `${n} 项尚未确认（估计值高于目标）`;
  return `${n} 项尚未确认（${below} 项估计值低于目标，${above} 项高于目标）`;
};

/** The parts of a mixed verdict, worst first: off target, not confirmed, without enough data, met. */
const countParts = (c: VerdictCounts, locale: VerdictLocale) => {
  const inconclusive = c.inconclusiveBelow + c.inconclusiveAbove;
  const en = [
    c.notMet > 0 ? `${c.notMet} off target` : '',
    inconclusive > 0 ? enInconclusive(c.inconclusiveBelow, c.inconclusiveAbove) : '',
    c.insufficient > 0 ? `${c.insufficient} without enough data` : '',
    c.met > 0 ? `${c.met} met` : '',
  ];
  const zh = [
    c.notMet > 0 ? `${c.notMet} 项未达标` : '',
    inconclusive > 0 ? zhInconclusive(c.inconclusiveBelow, c.inconclusiveAbove) : '',
    c.insufficient > 0 ? `${c.insufficient} 项数据不足` : '',
    c.met > 0 ? `${c.met} 项达标` : '',
  ];
  return (locale === 'en' ? en : zh).filter((part) => part !== '').join(locale === 'en' ? ', ' : '，');
};

/**
 * One sentence for the subject and the verdict line: "All 4 targets met" only when every
 * targeted metric is met; otherwise the counts ("1 off target, 2 not confirmed (estimates below
 * target), 1 met"); a provisional report says so first and never says the targets are met.
 */
export const renderVerdict = (verdict: Verdict, locale: VerdictLocale): string => {
  const en = locale === 'en';
  switch (verdict.kind) {
    case 'no_targets':
      return en ? 'No targets set' : '未设置目标';
    case 'all_met':
      if (verdict.total === 1) return en ? 'Target met' : '目标已达成';
      return en ? `All ${verdict.total} targets met` : `全部 ${verdict.total} 项目标均已达成`;
    case 'attention':
      return countParts(verdict, locale);
    case 'provisional': {
      // Counts on incomplete data are shown but never summed up as "met": the data may still change them.
      const counts = verdict.total === 0 ? '' : countParts(verdict, locale);
      if (en) return counts ? `Provisional (data incomplete): ${counts} so far` : 'Provisional (data incomplete)';
      return counts ? `暂定（数据不完整）：目前 ${counts}` : '暂定（数据不完整）';
    }
  }
};

/** A targeted metric's status as a short label, e.g. "not confirmed (estimate below target)". */
export const renderStatus = (status: TargetStatus, locale: VerdictLocale): string => {
  const en = locale === 'en';
  switch (status.outcome) {
    case 'met':
      if (status.basis === 'point') return en ? 'met (value only, no interval)' : '达标（仅按数值，无区间）';
      return en ? 'met' : '达标';
    case 'not_met':
      if (status.basis === 'point') return en ? 'off target (value only, no interval)' : '未达标（仅按数值，无区间）';
      return en ? 'off target' : '未达标';
    case 'inconclusive':
      if (status.side === 'below') return en ? 'not confirmed (estimate below target)' : '尚未确认（估计值低于目标）';
      return en ? 'not confirmed (estimate above target)' : '尚未确认（估计值高于目标）';
    case 'insufficient_data':
      return en
        ? `insufficient data (n = ${status.n}, minimum ${status.minSample})`
        : `数据不足（n = ${status.n}，最少需要 ${status.minSample}）`;
  }
};
