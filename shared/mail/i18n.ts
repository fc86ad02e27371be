import type { Locale } from './locale';

/** The words of the emails, per locale. Values from data and config are inserted escaped, never here. */
export interface Messages {
  readonly restatedPrefix: string;
  readonly alertPrefix: string;
  readonly provisional: (missing: string) => string;
  readonly columns: { metric: string; value: string; interval: string; target: string; status: string; change: string };
  /** Labels of the statuses that are not a judgement against the target. */
  readonly notJudged: { provisional: string; maturing: string };
  readonly insufficientData: (n: number) => string;
  readonly vsBaseline: (from: string, to: string) => string;
  readonly vsPrevious: (label: string) => string;
  readonly vsPreviousProvisional: (label: string) => string;
  readonly firstPeriod: string;
  readonly footer: string;
  readonly stillFiring: string;
  readonly trend: string;
  readonly impactHeading: string;
  readonly impactChart: (days: number) => string;
  readonly restatementIntro: string;
  readonly before: string;
  readonly after: string;
  readonly transitions: { firing: string; resolved: string; no_data: string; data_back: string };
  readonly alertIntro: (n: number) => string;
  readonly alertsFiring: (n: number) => string;
  readonly alertsResolved: string;
  readonly periodRange: (from: string, to: string) => string;
  readonly locale: Locale;
}

const en: Messages = {
  restatedPrefix: '[Restated] ',
  alertPrefix: '[Alert] ',
  provisional: (missing) => `Provisional: still waiting for ${missing}.`,
  columns: { metric: 'Metric', value: 'Value', interval: '95% interval', target: 'Target', status: 'Status', change: 'Change' },
  notJudged: { provisional: 'provisional (waiting for data)', maturing: 'maturing (conversions still coming in)' },
  insufficientData: (n) => `insufficient data (n = ${n}, below the minimum sample)`,
  vsBaseline: (from, to) => `Change against the baseline ${from} to ${to}`,
  vsPrevious: (label) => `Change against the previous period ${label}`,
  vsPreviousProvisional: (label) => `No change shown: the previous period ${label} is provisional`,
  firstPeriod: 'No change shown: this is the cooperation\'s first period',
  footer: 'Intervals are 95%. The full report is attached as JSON and CSV.',
  stillFiring: 'Alerts firing:',
  trend: 'Recent periods against the target',
  impactHeading: 'What the cooperation caused',
  impactChart: (days) => `Last ${days} days: actual (bar) against the counterfactual (mark) and its 95% band (grey)`,
  restatementIntro: 'Late data changed this report. Changed values:',
  before: 'Before',
  after: 'After',
  transitions: { firing: 'off target', resolved: 'resolved', no_data: 'no data arrived', data_back: 'data arrives again' },
  alertIntro: (n) => `${n} alert${n > 1 ? 's' : ''} changed state.`,
  alertsFiring: (n) => `${n} alert${n > 1 ? 's' : ''} firing`,
  alertsResolved: 'alerts resolved',
  periodRange: (from, to) => `${from} to ${to}`,
  locale: 'en',
};

const zhCN: Messages = {
  restatedPrefix: '[更正] ',
  alertPrefix: '[告警] ',
  provisional: (missing) => `暂定报告：仍在等待 ${missing}。`,
  columns: { metric: '指标', value: '数值', interval: '95% 置信区间', target: '目标', status: '状态', change: '变化' },
  notJudged: { provisional: '暂定（等待数据）', maturing: '转化期未结束（仍可能有转化）' },
  insufficientData: (n) => `数据不足（n = ${n}，低于最小样本量）`,
  vsBaseline: (from, to) => `与基线期 ${from} 至 ${to} 相比`,
  vsPrevious: (label) => `与上一周期 ${label} 相比`,
  vsPreviousProvisional: (label) => `未显示变化：上一周期 ${label} 为暂定数据`,
  firstPeriod: '未显示变化：这是合作的第一个周期',
  footer: '区间均为 95% 置信区间。完整报告以 JSON 和 CSV 附件形式提供。',
  stillFiring: '告警中的指标：',
  trend: '近期各周期与目标对比',
  impactHeading: '合作带来的增量',
  impactChart: (days) => `最近 ${days} 天：实际值（条形）与反事实估计（标记）及其 95% 区间（灰色）`,
  restatementIntro: '迟到的数据改变了本报告。变化的数值：',
  before: '更正前',
  after: '更正后',
  transitions: { firing: '未达标', resolved: '已解除', no_data: '未收到数据', data_back: '数据已恢复到达' },
  alertIntro: (n) => `${n} 项告警状态发生变化。`,
  alertsFiring: (n) => `${n} 项告警`,
  alertsResolved: '告警已解除',
  periodRange: (from, to) => `${from} 至 ${to}`,
  locale: 'zh-CN',
};

export const MESSAGES: Record<Locale, Messages> = { en, 'zh-CN': zhCN };
