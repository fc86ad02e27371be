/** The datasets a partner can drop under `inbox/<cooperation>/<partner>/<dataset>/`. */
export const DATASET_NAMES = [
  'enrollments',
  'referrals',
  'campaigns',
  'activity',
  'feedback',
  'events',
  'brand',
] as const;

export type DatasetName = (typeof DATASET_NAMES)[number];

export const isDatasetName = (value: string): value is DatasetName =>
  (DATASET_NAMES as readonly string[]).includes(value);
