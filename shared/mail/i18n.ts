import type { Locale } from './locale';

/** The words of the emails, per locale. Values from data and config are inserted escaped, never here. */
export interface Messages {
  readonly allOnTarget: string;
  readonly offTarget: (n: number) => string;
  readonly subjectOnTarget: string;
  readonly subjectOffTarget: (n: number) => string;
  readonly restatedPrefix: string;
  readonly alertPrefix: string;
  readonly provisional: (missing: string) => string;
  readonly columns: { metric: string; value: string; interval: string; target: string; status: string; change: string };
  readonly status: { ok: string; below_target: string; above_target: string; insufficient_data: string };
  readonly significant: string;
  readonly notSignificant: string;
  readonly vsBaseline: (from: string, to: string) => string;
  readonly vsPrevious: (label: string) => string;
  readonly footer: string;
  readonly stillFiring: (metrics: string) => string;
  readonly trend: string;
  readonly restatementIntro: string;
  readonly before: string;
  readonly after: string;
  readonly transitions: { firing: string; resolved: string; no_data: string };
  readonly alertIntro: (n: number) => string;
  readonly periodRange: (from: string, to: string) => string;
  readonly locale: Locale;
}

const en: Messages = {
  allOnTarget: 'All metrics with a target are on target.',
  offTarget: (n) => `${n} metric${n > 1 ? 's are' : ' is'} off target.`,
  subjectOnTarget: 'on target',
  subjectOffTarget: (n) => `${n} metric${n > 1 ? 's' : ''} off target`,
  restatedPrefix: '[Restated] ',
  alertPrefix: '[Alert] ',
  provisional: (missing) => `Provisional: still waiting for ${missing}.`,
  columns: { metric: 'Metric', value: 'Value', interval: '95% interval', target: 'Target', status: 'Status', change: 'Change' },
  status: { ok: 'on target', below_target: 'below target', above_target: 'above target', insufficient_data: 'insufficient data' },
  significant: 'significant',
  notSignificant: 'not significant',
  vsBaseline: (from, to) => `Change against the baseline ${from} to ${to}`,
  vsPrevious: (label) => `Change against the previous period ${label}`,
  footer: 'Intervals are 95%. The full report is attached as JSON and CSV.',
  stillFiring: (metrics) => `Alerts still firing: ${metrics}.`,
  trend: 'Recent periods against the target',
  restatementIntro: 'Late data changed this report. Changed values:',
  before: 'Before',
  after: 'After',
  transitions: { firing: 'off target', resolved: 'back to normal', no_data: 'no data arrived' },
  alertIntro: (n) => `${n} alert${n > 1 ? 's' : ''} changed state.`,
  periodRange: (from, to) => `${from} to ${to}`,
  locale: 'en',
};

const zhCN: Messages = {
  allOnTarget: '所有设定目标的指标均已达标。',
  offTarget: (n) => `${n} 项指标未达标。`,
  subjectOnTarget: '全部达标',
  subjectOffTarget: (n) => `${n} 项指标未达标`,
  restatedPrefix: '[更正] ',
  alertPrefix: '[告警] ',
  provisional: (missing) => `暂定报告：仍在等待 ${missing}。`,
  columns: { metric: '指标', value: '数值', interval: '95% 置信区间', target: '目标', status: '状态', change: '变化' },
  status: { ok: '达标', below_target: '低于目标', above_target: '高于目标', insufficient_data: '数据不足' },
  significant: '显著',
  notSignificant: '不显著',
  vsBaseline: (from, to) => `与基线期 ${from} 至 ${to} 相比`,
  vsPrevious: (label) => `与上一周期 ${label} 相比`,
  footer: '区间均为 95% 置信区间。完整报告以 JSON 和 CSV 附件形式提供。',
  stillFiring: (metrics) => `仍在告警的指标：${metrics}。`,
  trend: '近期各周期与目标对比',
  restatementIntro: '迟到的数据改变了本报告。变化的数值：',
  before: '更正前',
  after: '更正后',
  transitions: { firing: '未达标', resolved: '已恢复', no_data: '未收到数据' },
  alertIntro: (n) => `${n} 项告警状态发生变化。`,
  periodRange: (from, to) => `${from} 至 ${to}`,
  locale: 'zh-CN',
};

export const MESSAGES: Record<Locale, Messages> = { en, 'zh-CN': zhCN };
