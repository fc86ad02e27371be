import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { Config } from '../config/schema';
import type { DeliveryOutcome } from './deliver';
import { MESSAGES } from './i18n';
import { banner, clip, emailDocument, paragraph, textDocument } from './layout';
import type { Locale } from './locale';
import { notify, type NotifyDeps } from './notify';

/**
 * What Lambda sends to an async function's on-failure destination when retries are exhausted
 * (the part we read). The request payload of the report function is its schedule event.
 */
export const failureRecordSchema = z.object({
  requestContext: z.object({
    functionArn: z.string().optional(),
    condition: z.string().optional(),
    approximateInvokeCount: z.number().optional(),
  }),
  requestPayload: z.unknown(),
  responsePayload: z
    .object({ errorType: z.string().optional(), errorMessage: z.string().optional() })
    .partial()
    .nullish(),
});

export type FailureRecord = z.infer<typeof failureRecordSchema>;

const jobEventSchema = z.object({ cooperationId: z.string(), scheduledTime: z.string().optional() });

/**
 * Tells the owner's contacts, once, that a cooperation's report or alert job failed after its
 * retries, with the reason. The reason is the error's type and fixed message (our errors never
 * carry row values); it is cut to 300 characters.
 */
export const notifyJobFailure = async (
  deps: NotifyDeps & { readonly config: Config },
  record: FailureRecord,
): Promise<DeliveryOutcome[]> => {
  const job = jobEventSchema.safeParse(record.requestPayload);
  if (!job.success) return [];
  const cooperation = deps.config.cooperations.find((c) => c.id === job.data.cooperationId);
  if (!cooperation) return [];
  const reason =
    `${record.responsePayload?.errorType ?? 'Error'}: ${record.responsePayload?.errorMessage ?? 'unknown'}`.slice(
      0,
      300,
    );
  const ref = createHash('sha256')
    .update(`${cooperation.id}|${job.data.scheduledTime ?? 'unscheduled run'}`)
    .digest('hex')
    .slice(0, 16);
  return notify(deps, {
    cooperation,
    kind: 'failure',
    ref,
    audience: { kind: 'owner' },
    render: (locale) => renderFailureNotice(cooperation, job.data.scheduledTime, reason, locale),
  });
};

/** The failure notice in the owner's language: what failed, why, and that the data is safe. */
export const renderFailureNotice = (
  cooperation: Pick<Config['cooperations'][number], 'id' | 'name'>,
  scheduledTime: string | undefined,
  reason: string,
  locale: Locale,
) => {
  const t = MESSAGES[locale];
  const f = t.failure;
  const name = clip(cooperation.name, 120);
  const when = scheduledTime ?? f.unscheduled;
  const subject = f.subject(name, when);
  const footer = [t.why.owner];
  const html = emailDocument({
    locale,
    title: subject,
    preheader: f.banner,
    kind: t.kinds.failure,
    heading: name,
    subheading: when,
    footer,
    body: [
      banner('bad', '✗', f.banner),
      paragraph(f.body(name, cooperation.id, when)),
      paragraph(f.reason(reason)),
      paragraph(f.safe),
    ].join('\n'),
  });
  const text = textDocument({
    kind: t.kinds.failure,
    heading: name,
    subheading: when,
    banner: `✗ ${f.banner}`,
    sections: [{ lines: [f.body(name, cooperation.id, when), f.reason(reason)] }, { lines: [f.safe] }],
    footer,
  });
  return { subject, html, text };
};
