import { MIN_PREPERIOD_DAYS } from './estimate-impact';
import type { ImpactReasonCode, ImpactResult } from './types';

export type ImpactLocale = 'en' | 'zh-CN';

export interface ImpactSentenceOptions {
  locale: ImpactLocale;
  /** What the outcome counts, in the locale, as it reads after a number: 'enrollments', '报名'. */
  seriesLabel: string;
  /** The start day, as the reader says it: '7 Sep', '9月7日'. */
  sinceLabel: string;
  /** Formats an amount of the outcome (default: 3 significant digits, grouped for the locale). */
  format?: (value: number) => string;
}

/** Rounds for a sentence: 3 significant digits from 100 up (1,746 -> 1,750), whole numbers below. */
export const roundForSentence = (value: number): number => {
  const magnitude = Math.abs(value);
  if (magnitude >= 100) {
    const step = 10 ** (Math.floor(Math.log10(magnitude)) - 2);
    return Math.round(value / step) * step;
  }
  if (magnitude >= 1) return Math.round(value);
  return Number(value.toPrecision(2));
};

const defaultFormat = (locale: ImpactLocale) => {
  const numberFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  return (value: number) => numberFormat.format(roundForSentence(value));
};

type Words = Record<ImpactReasonCode, (result: ImpactResult) => string>;

const percent = (share: number | null) => `${((share ?? 0) * 100).toFixed(0)}%`;

const REASONS: Record<ImpactLocale, Words> = {
  en: {
    not_started: () => 'the cooperation has not started yet',
    no_data_since_start: () => 'there is no data since the cooperation started yet',
    short_preperiod: (r) =>
      `the pre-period has ${r.fit.preperiodDays} days with data, ` +
      `and at least ${MIN_PREPERIOD_DAYS} (8 weeks) are needed`,
    too_many_parameters: () => 'the pre-period is too short for the number of control series',
    constant_control: () => 'a control series does not vary before the cooperation',
    collinear_design: () => 'the control series are redundant (one is a combination of the others)',
    exact_fit: () => 'the series does not vary before the cooperation',
    poor_fit: (r) => `the model fits the pre-period poorly (MAPE ${percent(r.fit.mape)})`,
    placebo_false_positives: (r) =>
      `on ${r.placebo.detections} of ${r.placebo.checks} fake start dates before the cooperation ` +
      'it found an effect that was not there',
  },
  'zh-CN': {
    not_started: () => '合作尚未开始',
    no_data_since_start: () => '合作开始后还没有数据',
    short_preperiod: (r) => `合作前只有 ${r.fit.preperiodDays} 天数据，至少需要 ${MIN_PREPERIOD_DAYS} 天（8 周）`,
    too_many_parameters: () => '合作前的数据相对于对照序列的数量太短',
    constant_control: () => '某个对照序列在合作前没有变化',
    collinear_design: () => '对照序列相互冗余（其中一个可由其他序列线性表示）',
    exact_fit: () => '该序列在合作前没有波动',
    poor_fit: (r) => `模型对合作前数据的拟合较差（MAPE ${percent(r.fit.mape)}）`,
    placebo_false_positives: (r) =>
      `在合作前的 ${r.placebo.checks} 个虚拟开始日期中，有 ${r.placebo.detections} 个检测到了并不存在的影响`,
  },
};

const NO_CONTROLS: Record<ImpactLocale, string> = {
  en: ' Estimated without control series (trend and weekday pattern only), so less certain.',
  'zh-CN': '（未使用对照序列，仅依据趋势和星期规律估计，结论较弱。）',
};

/**
 * One sentence on the cumulative effect for the email, e.g. "The cooperation added about 1,750
 * enrollments since 7 Sep (95%: 1,560-1,940)." Honest for every status: no effect is claimed
 * unless the interval excludes zero, and unreliable or missing estimates say why.
 */
export const impactSentence = (result: ImpactResult, options: ImpactSentenceOptions): string => {
  const { locale, seriesLabel: series, sinceLabel: since } = options;
  const format = options.format ?? defaultFormat(locale);
  const zh = locale === 'zh-CN';
  const reason = () => REASONS[locale][result.reasonCode ?? 'no_data_since_start'](result);
  const cumulative = result.cumulative;

  if (result.status === 'insufficient_data' || cumulative === null) {
    return zh
      ? `数据不足，无法估计合作对${series}的影响：${reason()}。`
      : `Not enough data to estimate the effect on ${series}: ${reason()}.`;
  }
  if (result.status === 'unreliable') {
    return zh
      ? `自${since}以来合作对${series}的影响无法可靠估计：${reason()}。`
      : `The effect on ${series} since ${since} cannot be estimated reliably: ${reason()}.`;
  }
  const { effect, ci } = cumulative;
  const signed = (value: number) => `${value > 0 ? '+' : ''}${format(value)}`;
  const [low, high] = [format(ci[0]), format(ci[1])];
  let sentence: string;
  if (result.status === 'no_detectable_effect') {
    const [signedLow, signedHigh] = [signed(ci[0]), signed(ci[1])];
    sentence = zh
      ? `自${since}以来未检测到合作对${series}的影响：估计 ${signed(effect)}，` +
        `但 95% 区间（${signedLow} 至 ${signedHigh}）包含 0。`
      : `No detectable effect on ${series} since ${since}: about ${signed(effect)} against the counterfactual, ` +
        `but the 95% interval (${signedLow} to ${signedHigh}) includes zero.`;
  } else if (effect >= 0) {
    sentence = zh
      ? `自${since}以来，合作约新增${series} ${format(effect)}（95% 区间：${low}-${high}）。`
      : `The cooperation added about ${format(effect)} ${series} since ${since} (95%: ${low}-${high}).`;
  } else {
    // A shortfall reads in positive amounts: "about 420 below (95%: 118-731 below)".
    const [fewest, most] = [format(-ci[1]), format(-ci[0])];
    sentence = zh
      ? `自${since}以来，${series}比无合作时的预期约少 ${format(-effect)}（95% 区间：少 ${fewest}-${most}）。`
      : `Since ${since}, ${series} came in about ${format(-effect)} below the counterfactual without the cooperation ` +
        `(95%: ${fewest}-${most} below).`;
  }
  return result.withControls ? sentence : sentence + NO_CONTROLS[locale];
};
