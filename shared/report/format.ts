import type { Locale } from '../mail/locale';
import { metricDefinition, type MetricName } from './metrics';

/** A metric's label in a locale (English where the locale has none). */
export const metricLabel = (name: MetricName, locale: string = 'en'): string => {
  const labels = metricDefinition(name).labels;
  return labels[locale as Locale] ?? labels.en;
};

/** Formats a metric value for people: percentages for proportions, grouping, currency where money. */
export const formatMetric = (name: MetricName, value: number | null, locale = 'en', currency = 'CNY'): string => {
  if (value === null) return '-';
  switch (metricDefinition(name).unit) {
    case 'percent':
      return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);
    case 'share':
      // Market shares are tiny: significant digits, so 0.0000123 reads 0.00123%, never "0%".
      return new Intl.NumberFormat(locale, { style: 'percent', maximumSignificantDigits: 3 }).format(value);
    case 'money':
      return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(value);
    case 'count':
      return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
    case 'number':
      return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
  }
};

export const formatTarget = (
  name: MetricName,
  target: { min?: number; max?: number } | undefined,
  locale = 'en',
  currency = 'CNY',
) =>
  target === undefined
    ? ''
    : target.min !== undefined
      ? `>= ${formatMetric(name, target.min, locale, currency)}`
      : `<= ${formatMetric(name, target.max ?? 0, locale, currency)}`;
