import type { Cooperation } from '../config/schema';
import { METRIC_NAMES, type MetricName } from './metric-names';

/** The headline metrics of each kind of cooperation: the report email's tiles. */
export const DEFAULT_HIGHLIGHTS: Readonly<Record<Cooperation['type'], readonly MetricName[]>> = {
  joint_course: ['enrollments', 'revenue', 'partner_enrollment_share', 'avg_rating'],
  joint_ads: ['ad_spend', 'ad_roas', 'ad_cac', 'ad_conversions'],
  referral: ['referrals', 'referral_conversion_rate', 'referral_revenue'],
  joint_event: ['event_registrations', 'event_attendance_rate', 'event_new_users'],
  co_branding: ['brand_influence', 'brand_share'],
  // Industry-education cooperations run courses and events for students and staff.
  industry_education: ['enrollments', 'event_attendance_rate', 'avg_rating', 'effect_score'],
};

/** Tiles the email shows at least (when the type's defaults and the targets have that many) and at most. */
export const MIN_HIGHLIGHTS = 4;
export const MAX_HIGHLIGHTS = 6;

/**
 * A cooperation's tiles: its `highlights` as configured, else its type's headline metrics,
 * completed up to four with its targeted metrics (registry order).
 */
export const highlightsOf = (cooperation: Pick<Cooperation, 'type' | 'highlights' | 'targets'>): MetricName[] => {
  if (cooperation.highlights?.length) return [...new Set(cooperation.highlights)].slice(0, MAX_HIGHLIGHTS);
  const defaults = DEFAULT_HIGHLIGHTS[cooperation.type];
  const targeted = METRIC_NAMES.filter((n) => cooperation.targets[n] !== undefined && !defaults.includes(n));
  return [...defaults, ...targeted.slice(0, Math.max(0, MIN_HIGHLIGHTS - defaults.length))];
};
