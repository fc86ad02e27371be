/** The incremental-effect core (issue 14): pure functions over daily series, no I/O. */
export {
  estimateImpact,
  placeboRateTooHigh,
  MIN_PREPERIOD_DAYS,
  MAX_FIT_MAPE,
  MAX_PLACEBO_RATE,
} from './estimate-impact';
export { impactSentence, roundForSentence, type ImpactLocale, type ImpactSentenceOptions } from './sentence';
export type * from './types';
