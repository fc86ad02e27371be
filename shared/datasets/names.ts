/** The datasets a partner can drop under `inbox/<cooperation>/<partner>/<dataset>/`. */
export const DATASET_NAMES = [
  'enrollments',
  'referrals',
  'campaigns',
  'activity',
  'feedback',
  'events',
  'brand',
  'series',
] as const;

export type DatasetName = (typeof DATASET_NAMES)[number];

export const isDatasetName = (value: string): value is DatasetName =>
  (DATASET_NAMES as readonly string[]).includes(value);

/**
 * The sums each dataset stores per day, by name, in the order the ingest's hot path keeps them.
 * Kept here, apart from the row contracts, so reports can name measures without loading them.
 */
export const DATASET_MEASURES = {
  enrollments: ['rows', 'enrollments', 'revenue', 'revenue_sq', 'partner_enrollments', 'refunded'],
  referrals: ['rows', 'conversions', 'revenue', 'revenue_sq'],
  campaigns: ['rows', 'impressions', 'clicks', 'conversions', 'spend', 'revenue'],
  activity: ['rows', 'score', 'score_sq'],
  feedback: ['rows', 'rating', 'rating_sq', 'nps_n', 'promoters', 'detractors'],
  events: ['rows', 'registrations', 'attendees', 'new_users'],
  brand: ['rows', 'influence', 'influence_sq', 'followers', 'mentions'],
  series: ['rows', 'value'],
} as const satisfies { readonly [K in DatasetName]: readonly string[] };

/** The measure names of a dataset, as a type: a misspelt measure is a compile error. */
export type MeasureOf<D extends DatasetName> = (typeof DATASET_MEASURES)[D][number];

/**
 * Rows of the `series` dataset are grouped by day and series id: the group key joins them with
 * SERIES_KEY_SEPARATOR, a character a series id cannot hold.
 */
export const SERIES_KEY_SEPARATOR = '|';

/** A series id: letters, digits, `_`, `-` and `.`, up to 64 (it is stored in keys and shown in emails). */
export const SERIES_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** The measure under which a day aggregate of `series` keeps one series' value. */
export const seriesMeasure = (seriesId: string) => `value:${seriesId}`;

/** Splits a dataset's group key into the day and, for `series`, the series id. */
export const splitGroupKey = (key: string): { day: string; series?: string } => {
  const at = key.indexOf(SERIES_KEY_SEPARATOR);
  return at < 0 ? { day: key } : { day: key.slice(0, at), series: key.slice(at + 1) };
};
