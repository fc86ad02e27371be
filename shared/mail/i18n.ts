import type { Locale } from './locale';

/** A metric status, or none (no target): the short word of a tile or a line. */
export type StatusWordKey =
  | 'met'
  | 'not_met'
  | 'inconclusive'
  | 'insufficient_data'
  | 'provisional'
  | 'maturing'
  | 'none';

/** The detail's groups of metrics, by the dataset they come from. */
export type MetricGroup = 'enrollments' | 'referrals' | 'ads' | 'feedback' | 'events' | 'model';

/** Where a row error is: line and column of a CSV, record of a JSON file. */
export interface ErrorPlace {
  readonly line?: number;
  readonly record?: number;
  readonly column?: string;
}

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
  /** The label above the heading of each email kind. */
  readonly kinds: {
    weekly: string;
    monthly: string;
    restatement: string;
    alert: string;
    rejection: string;
    failure: string;
  };
  /** Why the recipient gets this kind of email (the footer's last line). */
  readonly why: { recipients: string; partner: string; owner: string };
  readonly statusWord: Record<StatusWordKey, string>;
  readonly attention: string;
  readonly nothingNeedsAttention: string;
  readonly detail: string;
  readonly groups: Record<MetricGroup, string>;
  readonly targetWord: string;
  readonly noData: string;
  /** Punctuation between a label and its value, between items, and in a list of names. */
  readonly colon: string;
  readonly comma: string;
  readonly listSep: string;
  readonly stop: string;
  /** The chip of an alert still firing, in the report. */
  readonly alertOn: string;
  /** A restatement whose metric values are all unchanged (statuses, the effect or the input files changed). */
  readonly restatedNoValues: string;
  readonly notComputed: (labels: string) => string;
  readonly trendOf: (n: number) => string;
  readonly freshness: string;
  readonly files: (n: number) => string;
  readonly latestFile: (name: string) => string;
  readonly dataThrough: (day: string) => string;
  readonly received: (when: string) => string;
  readonly missingDelivery: string;
  readonly noFiles: string;
  readonly moreRows: (n: number) => string;
  readonly rejection: {
    subjectRejected: (file: string) => string;
    subjectPartial: (file: string, rejectedRows: number) => string;
    rejected: (reason: string | undefined) => string;
    partial: (rejectedRows: number, rows: number) => string;
    fileLabel: string;
    where: string;
    problem: string;
    wholeFile: string;
    place: (e: ErrorPlace) => string;
    more: (n: number, reportKey: string) => string;
    fullReport: (reportKey: string) => string;
    fix: string;
  };
  readonly failure: {
    subject: (name: string, when: string) => string;
    banner: string;
    body: (name: string, id: string, when: string) => string;
    reason: (reason: string) => string;
    safe: string;
    unscheduled: string;
  };
  readonly locale: Locale;
}

const en: Messages = {
  restatedPrefix: '[Restated] ',
  alertPrefix: '[Alert] ',
  provisional: (missing) => `Provisional: still waiting for ${missing}.`,
  columns: {
    metric: 'Metric',
    value: 'Value',
    interval: '95% interval',
    target: 'Target',
    status: 'Status',
    change: 'Change',
  },
  notJudged: { provisional: 'provisional (waiting for data)', maturing: 'maturing (conversions still coming in)' },
  insufficientData: (n) => `insufficient data (n = ${n}, below the minimum sample)`,
  vsBaseline: (from, to) => `Change against the baseline ${from} to ${to}`,
  vsPrevious: (label) => `Change against the previous period ${label}`,
  vsPreviousProvisional: (label) => `No change shown: the previous period ${label} is provisional`,
  firstPeriod: "No change shown: this is the cooperation's first period",
  footer: 'Intervals are 95%. The full report is attached as JSON and CSV.',
  stillFiring: 'Alerts firing:',
  trend: 'Recent periods against the target',
  impactHeading: 'What the cooperation caused',
  impactChart: (days) => `Last ${days} days: actual (bar) against the counterfactual (mark) and its 95% band (grey)`,
  restatementIntro: 'Late data changed this report. Changed values:',
  before: 'Before',
  after: 'After',
  transitions: {
    firing: 'off target',
    resolved: 'resolved',
    no_data: 'no data arrived',
    data_back: 'data arrives again',
  },
  alertIntro: (n) => `${n} alert${n > 1 ? 's' : ''} changed state.`,
  alertsFiring: (n) => `${n} alert${n > 1 ? 's' : ''} firing`,
  alertsResolved: 'alerts resolved',
  periodRange: (from, to) => `${from} to ${to}`,
  kinds: {
    weekly: 'crosslift · Weekly report',
    monthly: 'crosslift · Monthly report',
    restatement: 'crosslift · Restated report',
    alert: 'crosslift · Alert',
    rejection: 'crosslift · File check',
    failure: 'crosslift · Job failure',
  },
  why: {
    recipients: "You receive this as a recipient of this cooperation's reports.",
    partner: 'You receive this as a contact of the partner that uploaded the file.',
    owner: "You receive this as a contact of the cooperation's owner.",
  },
  statusWord: {
    met: 'met',
    not_met: 'off target',
    inconclusive: 'not confirmed',
    insufficient_data: 'insufficient data',
    provisional: 'provisional',
    maturing: 'maturing',
    none: 'no target',
  },
  attention: 'What needs attention',
  nothingNeedsAttention: 'Nothing needs attention: no target is missed or unconfirmed, and no alert is firing.',
  detail: 'The detail',
  groups: {
    enrollments: 'Enrollments',
    referrals: 'Referrals',
    ads: 'Ads',
    feedback: 'Feedback',
    events: 'Events',
    model: 'Effect model',
  },
  targetWord: 'target',
  noData: 'no data this period',
  colon: ': ',
  comma: ', ',
  listSep: ', ',
  stop: '.',
  alertOn: 'alert',
  restatedNoValues:
    'Late data changed this report, but no metric value: what changed is a status, the incremental effect or the files behind it.',
  notComputed: (labels) => `Not computed this period: ${labels}.`,
  trendOf: (n) => `last ${n} periods`,
  freshness: 'Data behind this report',
  files: (n) => `${n} file${n === 1 ? '' : 's'}`,
  latestFile: (name) => `latest ${name}`,
  dataThrough: (day) => `data through ${day}`,
  received: (when) => `received ${when}`,
  missingDelivery: 'missing: expected every period',
  noFiles: 'No file has data for this period.',
  moreRows: (n) => `… and ${n} more`,
  rejection: {
    subjectRejected: (file) => `crosslift: ${file} rejected`,
    subjectPartial: (file, n) => `crosslift: ${file} ${n} rows rejected`,
    rejected: (reason) => `The file was rejected: ${reason ?? 'see the errors below'}`,
    partial: (rejected, rows) => `The file was taken in part: ${rejected} of ${rows} rows were rejected`,
    fileLabel: 'File',
    where: 'Where',
    problem: 'Problem',
    wholeFile: 'file',
    place: (e) =>
      [
        e.line !== undefined ? `line ${e.line}` : e.record !== undefined ? `record ${e.record}` : '',
        e.column ? `column ${e.column}` : '',
      ]
        .filter(Boolean)
        .join(', '),
    more: (n, key) => `… and ${n} more in ${key}`,
    fullReport: (key) => `Full error report: ${key}`,
    fix: 'Fix the rows and upload the file again under the same name: it replaces the earlier version.',
  },
  failure: {
    subject: (name, when) => `crosslift: the report job of ${name} failed (${when})`,
    banner: 'The report job failed after its retries',
    body: (name, id, when) => `The scheduled report job of ${name} (${id}) for ${when} failed after its retries.`,
    reason: (reason) => `Reason: ${reason}`,
    safe: 'The data is safe: the report will be computed by the next scheduled run, or now with `crosslift report`.',
    unscheduled: 'unscheduled run',
  },
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
  kinds: {
    weekly: 'crosslift · 周报',
    monthly: 'crosslift · 月报',
    restatement: 'crosslift · 更正报告',
    alert: 'crosslift · 告警',
    rejection: 'crosslift · 文件检查',
    failure: 'crosslift · 任务失败',
  },
  why: {
    recipients: '您是本合作报告的收件人，因此收到此邮件。',
    partner: '您是上传该文件的合作方的联系人，因此收到此邮件。',
    owner: '您是本合作发起方的联系人，因此收到此邮件。',
  },
  statusWord: {
    met: '达标',
    not_met: '未达标',
    inconclusive: '尚未确认',
    insufficient_data: '数据不足',
    provisional: '暂定',
    maturing: '转化期未结束',
    none: '无目标',
  },
  attention: '需要关注',
  nothingNeedsAttention: '无需关注：没有未达标或尚未确认的目标，也没有告警。',
  detail: '明细',
  groups: { enrollments: '报名', referrals: '推荐', ads: '广告', feedback: '反馈', events: '活动', model: '效果模型' },
  targetWord: '目标',
  noData: '本期无数据',
  colon: '：',
  comma: '，',
  listSep: '、',
  stop: '。',
  alertOn: '告警中',
  restatedNoValues: '迟到的数据改变了本报告，但没有指标数值发生变化：变化的是状态、增量效果或其依据的文件。',
  notComputed: (labels) => `本期未计算：${labels}。`,
  trendOf: (n) => `最近 ${n} 期`,
  freshness: '本报告的数据',
  files: (n) => `${n} 个文件`,
  latestFile: (name) => `最新 ${name}`,
  dataThrough: (day) => `数据截至 ${day}`,
  received: (when) => `接收于 ${when}`,
  missingDelivery: '缺失：每期均应提交',
  noFiles: '本期没有任何文件的数据。',
  moreRows: (n) => `…… 另有 ${n} 项`,
  rejection: {
    subjectRejected: (file) => `crosslift：${file} 被拒收`,
    subjectPartial: (file, n) => `crosslift：${file} 有 ${n} 行被拒收`,
    rejected: (reason) => `文件被拒收：${reason ?? '见下方错误'}`,
    partial: (rejected, rows) => `文件已部分接收：${rows} 行中有 ${rejected} 行被拒收`,
    fileLabel: '文件',
    where: '位置',
    problem: '问题（英文原文）',
    wholeFile: '整个文件',
    place: (e) =>
      [
        e.line !== undefined ? `第 ${e.line} 行` : e.record !== undefined ? `第 ${e.record} 条记录` : '',
        e.column ? `列 ${e.column}` : '',
      ]
        .filter(Boolean)
        .join('，'),
    more: (n, key) => `…… 另有 ${n} 项，见 ${key}`,
    fullReport: (key) => `完整错误报告：${key}`,
    fix: '请修正这些行，并以相同文件名重新上传：新文件将替换之前的版本。',
  },
  failure: {
    subject: (name, when) => `crosslift：${name} 的报告任务失败（${when}）`,
    banner: '报告任务在重试后仍然失败',
    body: (name, id, when) => `${name}（${id}）在 ${when} 的计划报告任务在重试后仍然失败。`,
    reason: (reason) => `原因：${reason}`,
    safe: '数据是安全的：下一次计划运行会计算该报告，也可以现在用 `crosslift report` 计算。',
    unscheduled: '非计划运行',
  },
  locale: 'zh-CN',
};

export const MESSAGES: Record<Locale, Messages> = { en, 'zh-CN': zhCN };
