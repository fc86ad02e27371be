import * as z from 'zod';
import { coopPk, deleteIfCondition, getItem, parseItem, writeIfCondition, type TableRef } from './table';

const KIND = 'content claim';

/**
 * Which key holds a content of a cooperation's dataset (by SHA-256): the same bytes are counted
 * once, whichever partner dropped them and under whatever name.
 */
export interface ContentClaim {
  readonly cooperationId: string;
  readonly dataset: string;
  readonly contentHash: string;
  readonly key: string;
}

/** A content of a cooperation's dataset, whichever key holds it. */
export type ClaimedContent = Omit<ContentClaim, 'key'>;

/** A claim as stored: its holder, when it claimed (ISO time), and whether another key found it held. */
export interface HeldClaim {
  readonly key: string;
  readonly claimedAt?: string;
  readonly duplicates: boolean;
}

const claimKey = (c: ClaimedContent) => ({
  pk: coopPk(c.cooperationId),
  sk: `HASH#${c.dataset}#${c.contentHash}`,
});

const claimSchema = z.looseObject({
  key: z.string(),
  claimedAt: z.string().optional(),
  duplicates: z.boolean().optional(),
});

const toHeldClaim = (item: Record<string, unknown>): HeldClaim => {
  const { key, claimedAt, duplicates } = parseItem(claimSchema, KIND, item);
  return { key, ...(claimedAt ? { claimedAt } : {}), duplicates: duplicates === true };
};

export const readContentClaim = async (t: TableRef, claim: ClaimedContent): Promise<HeldClaim | undefined> => {
  const item = await getItem(t, KIND, claimKey(claim));
  return item ? toHeldClaim(item) : undefined;
};

/**
 * Claims a content hash for a key at a time. Returns the key that already holds it when another
 * key does (the same content dropped twice), after marking that claim as having duplicates, so
 * that its release promotes one; undefined when the claim is ours.
 */
export const claimContent = async (t: TableRef, claim: ContentClaim, at: string): Promise<string | undefined> => {
  const Key = claimKey(claim);
  // Loop: a holder can release its claim between our failed write and our read or mark.
  for (;;) {
    const claimed = await writeIfCondition(
      t,
      KIND,
      ({ UpdateCommand }) =>
        new UpdateCommand({
          TableName: t.tableName,
          Key,
          // An update, not a put: a holder claiming again keeps the duplicates mark.
          UpdateExpression: 'SET #key = :key, claimedAt = :at',
          ConditionExpression: 'attribute_not_exists(pk) OR #key = :key',
          ExpressionAttributeNames: { '#key': 'key' },
          ExpressionAttributeValues: { ':key': claim.key, ':at': at },
        }),
    );
    if (claimed) return undefined;
    const holder = (await readContentClaim(t, claim))?.key;
    // Released meanwhile, or claimed by a concurrent ingest of this same key: claim again.
    if (holder === undefined || holder === claim.key) continue;
    const marked = await writeIfCondition(
      t,
      KIND,
      ({ UpdateCommand }) =>
        new UpdateCommand({
          TableName: t.tableName,
          Key,
          UpdateExpression: 'SET duplicates = :true',
          ConditionExpression: '#key = :holder',
          ExpressionAttributeNames: { '#key': 'key' },
          ExpressionAttributeValues: { ':true': true, ':holder': holder },
        }),
    );
    if (marked) return holder;
  }
};

/**
 * Releases a content claim held by a key (its object was replaced or deleted). Says whether the
 * claim was released and whether other keys hold the same content (a duplicate must take over).
 */
export const releaseContent = async (
  t: TableRef,
  claim: ContentClaim,
): Promise<{ released: boolean; duplicates: boolean }> => {
  const old = await deleteIfCondition(
    t,
    KIND,
    ({ DeleteCommand }) =>
      new DeleteCommand({
        TableName: t.tableName,
        Key: claimKey(claim),
        ConditionExpression: '#key = :key',
        ExpressionAttributeNames: { '#key': 'key' },
        ExpressionAttributeValues: { ':key': claim.key },
      }),
  );
  return { released: old !== undefined, duplicates: old?.duplicates === true };
};

/**
 * Releases a claim left behind by a holder that no longer counts the content (a release that
 * failed for good), unless it was claimed again since it was read.
 */
export const releaseStaleContent = (t: TableRef, claim: ClaimedContent, held: HeldClaim): Promise<boolean> =>
  writeIfCondition(
    t,
    KIND,
    ({ DeleteCommand }) =>
      new DeleteCommand({
        TableName: t.tableName,
        Key: claimKey(claim),
        ConditionExpression: `#key = :key AND ${held.claimedAt ? 'claimedAt = :at' : 'attribute_not_exists(claimedAt)'}`,
        ExpressionAttributeNames: { '#key': 'key' },
        ExpressionAttributeValues: { ':key': held.key, ...(held.claimedAt ? { ':at': held.claimedAt } : {}) },
      }),
  );
