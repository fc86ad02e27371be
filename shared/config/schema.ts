import * as z from 'zod';
import { DATASET_NAMES, SERIES_ID, type DatasetName } from '../datasets/names';
import { METRIC_NAMES } from '../report/metric-names';
import { isKnownTimezone } from '../time/days';

const id = z.string().regex(/^[a-z0-9-]{2,40}$/, 'expected 2-40 characters of a-z, 0-9 and -');

const isoDate = z.iso.date({ message: 'expected a date as YYYY-MM-DD' });

const timezone = z.string().refine((value) => isKnownTimezone(value), {
  message: 'expected an IANA timezone such as Asia/Shanghai or Europe/Berlin',
});

export const LOCALES = ['en', 'zh-CN'] as const;

// Issue 16: names reach email subjects (no control characters); partners may be limited to datasets.
const NO_CONTROL = 'expected no control characters (CR, LF, tab, ESC and the like): names reach email subjects';
const name = z
  .string()
  .min(1)
  .regex(/^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/, NO_CONTROL);
const delivers = z
  .record(id, z.array(z.enum(DATASET_NAMES)).min(1))
  .optional()
  .describe('Which datasets a partner may drop (partner id -> datasets); a partner not named may drop every dataset');

export const partnerSchema = z
  .object({
    id: id.describe('Partner id, used in S3 keys: inbox/<cooperation>/<partner>/<dataset>/'),
    name,
    kind: z.enum(['knowledge_platform', 'training_institution', 'enterprise', 'university', 'brand']),
    contacts: z.array(z.email()).min(1).describe("Who hears about this partner's rejected files and failures"),
    sender: z
      .email()
      .optional()
      .describe('SES sender identity of a partner that owns cooperations (required for owners)'),
    locale: z.enum(LOCALES).default('en').describe("Language of the emails this partner's contacts receive"),
    awsAccountId: z
      .string()
      .regex(/^\d{12}$/, 'expected a 12-digit AWS account id')
      .optional()
      .describe("Lets this partner upload into the owner's bucket under its own prefix"),
  })
  .strict();

const seriesRefSchema = z
  .object({
    partner: id.describe('The partner that delivers the series (dataset `series`)'),
    series: z.string().regex(SERIES_ID, 'expected a series id of letters, digits, _, - or . (at most 64)'),
  })
  .strict();

/** One incremental-effect estimate: an outcome series, optional control series, the pre-period it is fitted on. */
export const impactSchema = z
  .object({
    outcome: seriesRefSchema.describe(
      'The series the cooperation should move, e.g. {partner: school, series: total_enrollments}',
    ),
    controls: z
      .array(seriesRefSchema)
      .default([])
      .describe('Series the cooperation does not touch (another city, another product line)'),
    preperiod: z
      .object({ from: isoDate, to: isoDate.optional() })
      .strict()
      .optional()
      .describe('The days the counterfactual is fitted on; `to` defaults to the day before `starts`'),
  })
  .strict();

const targetSchema = z
  .object({
    min: z.number().optional(),
    max: z.number().optional(),
    minSample: z.int().positive().optional(),
    mode: z.enum(['confident', 'point']).optional(),
  })
  .strict()
  .refine((t) => (t.min === undefined) !== (t.max === undefined), {
    message: 'expected exactly one of min or max',
  });

export const cooperationSchema = z
  .object({
    id,
    name,
    type: z.enum(['joint_course', 'joint_ads', 'referral', 'joint_event', 'co_branding', 'industry_education']),
    owner: id.describe('The partner whose stack hosts this cooperation'),
    partners: z.array(id).min(2, 'expected at least two partner ids'),
    timezone: timezone.describe('IANA timezone: days, periods and schedules are in it'),
    starts: isoDate,
    ends: isoDate.optional(),
    schedule: z.enum(['weekly', 'monthly']).describe('weekly = ISO weeks Monday-Sunday'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as CNY')
      .default('CNY')
      .describe('Revenue and spend are in this currency; rows in another currency are rejected'),
    baseline: z.object({ from: isoDate, to: isoDate }).strict().optional(),
    market: z.object({ totalUsers: z.number().positive(), totalBrand: z.number().positive() }).strict().optional(),
    model: z
      .object({
        alpha: z.tuple([z.number(), z.number(), z.number()]).default([0.8, 0.2, 0]),
        capability: z.object({ storage: z.number(), processing: z.number(), analysis: z.number() }).strict().optional(),
        beta: z.tuple([z.number(), z.number(), z.number()]).default([0.5, 0.3, 0.2]),
      })
      .strict()
      .optional(),
    targets: z.partialRecord(z.enum(METRIC_NAMES), targetSchema).default({}),
    highlights: z
      .array(z.enum(METRIC_NAMES))
      .min(1)
      .max(6)
      .optional()
      .describe('The metrics shown as tiles at the top of the report email (default: chosen by `type`)'),
    expects: z
      .partialRecord(z.enum(DATASET_NAMES), z.array(id).min(1))
      .optional()
      .describe('Which partners are expected to deliver which dataset every period'),
    delivers,
    recipients: z.array(z.email()).min(1).optional(),
    impact: z
      .array(impactSchema)
      .default([])
      .describe('What the cooperation caused: outcome series estimated against a counterfactual (docs/impact.md)'),
    conversionWindowDays: z
      .int()
      .min(0)
      .max(366)
      .default(14)
      .describe(
        "Days after a referral in which it may still convert: a period's referral conversions stay maturing (shown, not judged) until this many days after its end",
      ),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!c.partners.includes(c.owner)) {
      ctx.addIssue({
        code: 'custom',
        path: ['owner'],
        message: "expected the owner to be one of the cooperation's partners",
      });
    }
    if (c.ends !== undefined && c.ends < c.starts) {
      ctx.addIssue({ code: 'custom', path: ['ends'], message: 'expected ends on or after starts' });
    }
    if (c.baseline !== undefined && c.baseline.to < c.baseline.from) {
      ctx.addIssue({
        code: 'custom',
        path: ['baseline', 'to'],
        message: 'expected baseline.to on or after baseline.from',
      });
    }
    c.impact.forEach((impact, i) => {
      const at = (...path: (string | number)[]) => ['impact', i, ...path];
      const refs = [
        { ref: impact.outcome, path: at('outcome', 'partner') },
        ...impact.controls.map((ref, j) => ({ ref, path: at('controls', j, 'partner') })),
      ];
      for (const { ref, path } of refs) {
        if (!c.partners.includes(ref.partner)) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `expected one of the cooperation's partners (${c.partners.join(', ')})`,
          });
        }
      }
      impact.controls.forEach((control, j) => {
        if (control.partner === impact.outcome.partner && control.series === impact.outcome.series) {
          ctx.addIssue({
            code: 'custom',
            path: at('controls', j),
            message: 'expected a control other than the outcome itself',
          });
        }
      });
      const p = impact.preperiod;
      if (p && p.from >= c.starts) {
        ctx.addIssue({
          code: 'custom',
          path: at('preperiod', 'from'),
          message: 'expected the pre-period to start before starts',
        });
      }
      if (p?.to !== undefined && p.to >= c.starts) {
        ctx.addIssue({
          code: 'custom',
          path: at('preperiod', 'to'),
          message: 'expected the pre-period to end before starts',
        });
      }
      if (p?.to !== undefined && p.to < p.from) {
        ctx.addIssue({
          code: 'custom',
          path: at('preperiod', 'to'),
          message: 'expected preperiod.to on or after preperiod.from',
        });
      }
    });
    for (const partner of Object.keys(c.delivers ?? {}).filter((p) => !c.partners.includes(p))) {
      const message = `expected a partner of this cooperation, got "${partner}"`;
      ctx.addIssue({ code: 'custom', path: ['delivers', partner], message });
    }
    for (const [dataset, ids] of Object.entries(c.expects ?? {})) {
      (ids ?? []).forEach((p, j) => {
        const allowed = c.delivers?.[p];
        if (allowed && !allowed.includes(dataset as DatasetName)) {
          const message = `expected a partner that delivers ${dataset} (see delivers), got "${p}"`;
          ctx.addIssue({ code: 'custom', path: ['expects', dataset, j], message });
        }
      });
    }
  });

export const ingestSettingsSchema = z
  .object({
    maxUncompressedBytes: z
      .int()
      .positive()
      .default(2 * 1024 ** 3)
      .describe('Files that expand past this are rejected (guards against compression bombs)'),
    maxRejectedShare: z
      .number()
      .min(0)
      .max(1)
      .default(0.05)
      .describe('A file with a larger share of bad rows is rejected whole'),
  })
  .strict();

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    partners: z.array(partnerSchema).min(1),
    cooperations: z.array(cooperationSchema).min(1),
    ingest: ingestSettingsSchema.default({ maxUncompressedBytes: 2 * 1024 ** 3, maxRejectedShare: 0.05 }),
  })
  .strict()
  .superRefine((config, ctx) => {
    const partnerIds = new Set<string>();
    config.partners.forEach((p, i) => {
      if (partnerIds.has(p.id)) {
        ctx.addIssue({ code: 'custom', path: ['partners', i, 'id'], message: `duplicate partner id "${p.id}"` });
      }
      partnerIds.add(p.id);
    });
    const owners = new Set(config.cooperations.map((c) => c.owner));
    config.partners.forEach((p, i) => {
      if (owners.has(p.id) && p.sender === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['partners', i, 'sender'],
          message: 'expected a sender email: this partner owns cooperations and sends their reports',
        });
      }
    });
    const cooperationIds = new Set<string>();
    config.cooperations.forEach((c, i) => {
      if (cooperationIds.has(c.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['cooperations', i, 'id'],
          message: `duplicate cooperation id "${c.id}"`,
        });
      }
      cooperationIds.add(c.id);
      c.partners.forEach((p, j) => {
        if (!partnerIds.has(p)) {
          ctx.addIssue({ code: 'custom', path: ['cooperations', i, 'partners', j], message: `unknown partner "${p}"` });
        }
      });
      for (const [dataset, ids] of Object.entries(c.expects ?? {})) {
        (ids ?? []).forEach((p, j) => {
          if (!c.partners.includes(p)) {
            ctx.addIssue({
              code: 'custom',
              path: ['cooperations', i, 'expects', dataset, j],
              message: `expected a partner of this cooperation, got "${p}"`,
            });
          }
        });
      }
    });
  });

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type Partner = z.infer<typeof partnerSchema>;
export type Cooperation = z.infer<typeof cooperationSchema>;
export type Target = z.infer<typeof targetSchema>;
export type IngestSettings = z.infer<typeof ingestSettingsSchema>;
