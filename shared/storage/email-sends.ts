import { createHash } from 'node:crypto';
import * as z from 'zod';
import { coopPk, getItem, parseItem, putIfAbsent, putItem, replaceIf, type TableRef } from './table';

const KIND = 'email send';

/** Identifies one email: its kind, what it is about, and its recipient (hashed: no address in keys). */
export interface SendId {
  readonly cooperationId: string;
  readonly kind: string;
  readonly ref: string;
  readonly to: string;
}

const recipientHash = (to: string) => createHash('sha256').update(to.toLowerCase()).digest('hex').slice(0, 16);
const sendKey = (id: SendId) => ({
  pk: coopPk(id.cooperationId),
  sk: `SENT#${id.kind}#${id.ref}#${recipientHash(id.to)}`,
});

const sendRecordSchema = z.looseObject({
  state: z.enum(['pending', 'sent', 'suppressed', 'refused']),
  claimedAt: z.number(),
  messageId: z.string().optional(),
});

export type SendRecord = z.infer<typeof sendRecordSchema>;

/** Claims a send (before calling SES); false when a record for it exists already. */
export const claimSend = (t: TableRef, id: SendId, subject: string, claimedAt: number) =>
  putIfAbsent(t, KIND, { ...sendKey(id), state: 'pending', kind: id.kind, ref: id.ref, subject, claimedAt });

export const readSend = async (t: TableRef, id: SendId): Promise<SendRecord | undefined> => {
  const item = await getItem(t, KIND, sendKey(id));
  return item ? parseItem(sendRecordSchema, KIND, item) : undefined;
};

/** Takes over a claim whose lease passed, if nobody else did since it was read. */
export const takeOverSend = (t: TableRef, id: SendId, subject: string, claimedAt: number, previousClaimedAt: number) =>
  replaceIf(
    t,
    KIND,
    { ...sendKey(id), state: 'pending', kind: id.kind, ref: id.ref, subject, claimedAt },
    'claimedAt',
    previousClaimedAt,
  );

/** Records how a claimed send ended for good: sent (with SES's id), suppressed or refused. */
export const recordSendOutcome = (
  t: TableRef,
  id: SendId,
  subject: string,
  claimedAt: number,
  outcome: { state: 'sent'; messageId?: string } | { state: 'suppressed' } | { state: 'refused'; lastError: string },
  at: Date,
) =>
  putItem(t, KIND, {
    ...sendKey(id),
    kind: id.kind,
    ref: id.ref,
    subject,
    claimedAt,
    ...outcome,
    at: at.toISOString(),
  });

/** Releases our claim after a failed SES call, so the retry (or the next run) sends the email. */
export const releaseSend = (t: TableRef, id: SendId, subject: string, claimedAt: number, lastError: string) =>
  replaceIf(
    t,
    KIND,
    { ...sendKey(id), state: 'pending', kind: id.kind, ref: id.ref, subject, claimedAt: 0, lastError },
    'claimedAt',
    claimedAt,
  );
