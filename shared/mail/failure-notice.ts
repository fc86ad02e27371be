import { createHash } from 'node:crypto';
import escapeHtml from 'escape-html';
import * as z from 'zod';
import type { Config } from '../config/schema';
import type { DeliveryOutcome } from './deliver';
import { notify, type NotifyDeps } from './notify';

/**
 * What Lambda sends to an async function's on-failure destination when retries are exhausted
 * (the part we read). The request payload of the report function is its schedule event.
 */
export const failureRecordSchema = z.object({
  requestContext: z.object({ functionArn: z.string().optional(), condition: z.string().optional(), approximateInvokeCount: z.number().optional() }),
  requestPayload: z.unknown(),
  responsePayload: z.object({ errorType: z.string().optional(), errorMessage: z.string().optional() }).partial().nullish(),
});

export type FailureRecord = z.infer<typeof failureRecordSchema>;

const jobEventSchema = z.object({ cooperationId: z.string(), scheduledTime: z.string().optional() });

/**
 * Tells the owner's contacts, once, that a cooperation's report or alert job failed after its
 * retries, with the reason. The reason is the error's type and fixed message (our errors never
 * carry row values); it is cut to 300 characters.
 */
export const notifyJobFailure = async (deps: NotifyDeps & { readonly config: Config }, record: FailureRecord): Promise<DeliveryOutcome[]> => {
  const job = jobEventSchema.safeParse(record.requestPayload);
  if (!job.success) return [];
  const cooperation = deps.config.cooperations.find((c) => c.id === job.data.cooperationId);
  if (!cooperation) return [];
  const reason = `${record.responsePayload?.errorType ?? 'Error'}: ${record.responsePayload?.errorMessage ?? 'unknown'}`.slice(0, 300);
  const when = job.data.scheduledTime ?? 'unscheduled run';
  const ref = createHash('sha256').update(`${cooperation.id}|${when}`).digest('hex').slice(0, 16);
  const subject = `crosslift: the report job of ${cooperation.name} failed (${when})`;
  const text = [
    `The scheduled report job of ${cooperation.name} (${cooperation.id}) for ${when} failed after its retries.`,
    `Reason: ${reason}`,
    '',
    'The data is safe: the report will be computed by the next scheduled run, or now with `crosslift report`.',
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:Arial,sans-serif"><p>The scheduled report job of <b>${escapeHtml(
    cooperation.name,
  )}</b> (${escapeHtml(cooperation.id)}) for ${escapeHtml(when)} failed after its retries.</p><p>Reason: <code>${escapeHtml(
    reason,
  )}</code></p><p>The data is safe: the report will be computed by the next scheduled run, or now with <code>crosslift report</code>.</p></body></html>`;
  return notify(deps, { cooperation, kind: 'failure', ref, audience: { kind: 'owner' }, render: () => ({ subject, html, text }) });
};
