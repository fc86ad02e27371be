import { createHash } from 'node:crypto';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { CrossliftError } from '../errors';
import { coopPk, getItem, putIfAbsent, putItem, replaceIf, type TableRef } from '../storage/table';
import { isSuppressed, sendMail, type MailMessage } from './ses';

export type EmailKind = 'report' | 'alert' | 'rejection' | 'restatement' | 'failure';

export interface Delivery {
  readonly cooperationId: string;
  readonly kind: EmailKind;
  /** What the email is about (period label, file generation...): one email per kind, ref and recipient. */
  readonly ref: string;
  readonly message: MailMessage;
}

export interface DeliveryOutcome {
  readonly to: string;
  readonly subject: string;
  readonly kind: EmailKind;
  readonly state: 'sent' | 'already_sent' | 'in_progress' | 'suppressed' | 'refused';
  readonly messageId?: string;
}

export class DeliveryError extends CrossliftError {
  override readonly name = 'DeliveryError';
}

const recipientHash = (to: string) => createHash('sha256').update(to.toLowerCase()).digest('hex').slice(0, 16);

/** How long a claimed but unconfirmed send blocks other invocations before it may be taken over. */
export const SEND_LEASE_MS = 2 * 60 * 1000;

/**
 * Sends an email unless its send record says it went out (or is going out) already.
 * A conditional write claims the send before the SES call, so two concurrent invocations
 * never both send; the record turns `sent` after SES accepts it. A failed SES call releases
 * the claim, so the retry sends it. Only a crash between SES accepting the message and the
 * `sent` write can repeat an email, once the lease has passed: SES takes no idempotency key,
 * so this is the floor.
 */
export const deliverOnce = async (deps: { table: TableRef; ses: SESv2Client }, delivery: Delivery): Promise<DeliveryOutcome> => {
  const pk = coopPk(delivery.cooperationId);
  const sk = `SENT#${delivery.kind}#${delivery.ref}#${recipientHash(delivery.message.to)}`;
  const base = { to: delivery.message.to, subject: delivery.message.subject, kind: delivery.kind };
  const now = Date.now();
  const claim = { pk, sk, state: 'pending', kind: delivery.kind, ref: delivery.ref, subject: delivery.message.subject, claimedAt: now };
  if (!(await putIfAbsent(deps.table, claim))) {
    const existing = await getItem(deps.table, pk, sk);
    if (existing?.state === 'sent') return { ...base, state: 'already_sent', messageId: existing.messageId as string | undefined };
    if (existing?.state === 'suppressed' || existing?.state === 'refused') return { ...base, state: existing.state };
    const claimedAt = Number(existing?.claimedAt ?? 0);
    if (now - claimedAt < SEND_LEASE_MS) return { ...base, state: 'in_progress' };
    if (!(await replaceIf(deps.table, claim, 'claimedAt', claimedAt))) return { ...base, state: 'in_progress' };
  }
  // An address on the SES suppression list (hard bounces, complaints) is skipped and recorded:
  // SES would accept the message and drop it, and retrying would never help.
  if (await isSuppressed(deps.ses, delivery.message.to)) {
    await putItem(deps.table, { ...claim, state: 'suppressed', at: new Date().toISOString() });
    return { ...base, state: 'suppressed' };
  }
  let messageId: string | undefined;
  try {
    messageId = await sendMail(deps.ses, {
      ...delivery.message,
      headers: { ...delivery.message.headers, 'X-Crosslift-Kind': delivery.kind, 'X-Crosslift-Cooperation': delivery.cooperationId },
    });
  } catch (cause) {
    if ((cause as Error).name === 'MessageRejected') {
      // SES refuses this message for good (e.g. an unverified recipient in the sandbox): record it, do not retry forever.
      await putItem(deps.table, { ...claim, state: 'refused', lastError: 'MessageRejected', at: new Date().toISOString() });
      return { ...base, state: 'refused' };
    }
    // Release the claim so the retry (or the next run) sends this email.
    await replaceIf(deps.table, { ...claim, claimedAt: 0, lastError: (cause as Error).name }, 'claimedAt', now);
    throw new DeliveryError('sending email failed', { kind: delivery.kind, ref: delivery.ref }, { cause });
  }
  await putItem(deps.table, { ...claim, state: 'sent', messageId, sentAt: new Date().toISOString() });
  return { ...base, state: 'sent', messageId };
};

/** Recipients of a cooperation's reports: its `recipients`, else the contacts of all its partners. */
export const reportRecipients = (
  cooperation: { recipients?: readonly string[]; partners: readonly string[] },
  partners: readonly { id: string; contacts: readonly string[] }[],
): string[] => {
  if (cooperation.recipients?.length) return [...new Set(cooperation.recipients)];
  const all = cooperation.partners.flatMap((id) => partners.find((p) => p.id === id)?.contacts ?? []);
  return [...new Set(all)];
};
