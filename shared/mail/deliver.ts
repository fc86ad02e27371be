import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { DeliveryError } from '../errors';
import { claimSend, readSend, recordSendOutcome, releaseSend, takeOverSend } from '../storage/email-sends';
import type { TableRef } from '../storage/table';
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

/** How long a claimed but unconfirmed send blocks other invocations before it may be taken over. */
export const SEND_LEASE_MS = 2 * 60 * 1000;

export interface DeliveryDeps {
  readonly table: TableRef;
  readonly ses: SESv2Client;
  readonly now: () => Date;
}

/**
 * Sends an email unless its send record says it went out (or is going out) already.
 * A conditional write claims the send before the SES call, so two concurrent invocations
 * never both send; the record turns `sent` after SES accepts it. A failed SES call releases
 * the claim, so the retry sends it. Only a crash between SES accepting the message and the
 * `sent` write can repeat an email, once the lease has passed: SES takes no idempotency key,
 * so this is the floor.
 */
export const deliverOnce = async (deps: DeliveryDeps, delivery: Delivery): Promise<DeliveryOutcome> => {
  const clock = deps.now;
  const id = { cooperationId: delivery.cooperationId, kind: delivery.kind, ref: delivery.ref, to: delivery.message.to };
  const subject = delivery.message.subject;
  const base = { to: delivery.message.to, subject, kind: delivery.kind };
  const now = clock().getTime();
  if (!(await claimSend(deps.table, id, subject, now))) {
    const existing = await readSend(deps.table, id);
    if (existing?.state === 'sent')
      return { ...base, state: 'already_sent', ...(existing.messageId ? { messageId: existing.messageId } : {}) };
    if (existing?.state === 'suppressed' || existing?.state === 'refused') return { ...base, state: existing.state };
    const claimedAt = existing?.claimedAt ?? 0;
    if (now - claimedAt < SEND_LEASE_MS) return { ...base, state: 'in_progress' };
    if (!(await takeOverSend(deps.table, id, subject, now, claimedAt))) return { ...base, state: 'in_progress' };
  }
  // An address on the SES suppression list (hard bounces, complaints) is skipped and recorded:
  // SES would accept the message and drop it, and retrying would never help.
  if (await isSuppressed(deps.ses, delivery.message.to)) {
    await recordSendOutcome(deps.table, id, subject, now, { state: 'suppressed' }, clock());
    return { ...base, state: 'suppressed' };
  }
  let messageId: string | undefined;
  try {
    messageId = await sendMail(deps.ses, {
      ...delivery.message,
      headers: {
        ...delivery.message.headers,
        'X-Crosslift-Kind': delivery.kind,
        'X-Crosslift-Cooperation': delivery.cooperationId,
      },
    });
  } catch (cause) {
    if ((cause as Error).name === 'MessageRejected') {
      // SES refuses this message for good (e.g. an unverified recipient in the sandbox): record it, do not retry forever.
      await recordSendOutcome(
        deps.table,
        id,
        subject,
        now,
        { state: 'refused', lastError: 'MessageRejected' },
        clock(),
      );
      return { ...base, state: 'refused' };
    }
    await releaseSend(deps.table, id, subject, now, (cause as Error).name);
    throw new DeliveryError('sending email failed', { kind: delivery.kind, ref: delivery.ref }, { cause });
  }
  await recordSendOutcome(
    deps.table,
    id,
    subject,
    now,
    { state: 'sent', ...(messageId ? { messageId } : {}) },
    clock(),
  );
  return { ...base, state: 'sent', ...(messageId ? { messageId } : {}) };
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
