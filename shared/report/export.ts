import type { Report } from './build-report';
import { METRIC_NAMES } from './metrics';

/**
 * Spreadsheets run cells that start with = + - @ (or tab / carriage return) as formulas:
 * prefix them with a quote so a name from partner data can never become a formula.
 */
export const neutraliseCell = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

const quote = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

const cell = (value: unknown) =>
  value === undefined || value === null
    ? ''
    : typeof value === 'number'
      ? String(value)
      : quote(neutraliseCell(String(value)));

/** The report as CSV, one row per metric (RFC 4180, formula-safe). */
export const reportToCsv = (report: Report): string => {
  const header = [
    'cooperation',
    'period',
    'metric',
    'value',
    'n',
    'ci_low',
    'ci_high',
    'target_min',
    'target_max',
    'status',
    'comparison',
    'change',
    'relative_change',
    'p_value',
  ];
  const lines = [header.join(',')];
  for (const name of METRIC_NAMES) {
    const m = report.metrics[name];
    if (!m) continue;
    lines.push(
      [
        report.cooperationName,
        report.period.label,
        name,
        m.value,
        m.n,
        m.ci?.[0],
        m.ci?.[1],
        m.target?.min,
        m.target?.max,
        m.status,
        m.comparison?.value,
        m.comparison?.change,
        m.comparison?.relativeChange,
        m.comparison?.pValue,
      ]
        .map(cell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
};
