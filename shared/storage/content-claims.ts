import { coopPk, getItem, writeIfCondition, type TableRef } from './table';

const KIND = 'content claim';

/** Which key holds a content (one partner's dataset, by SHA-256): the same bytes are counted once. */
export interface ContentClaim {
  readonly cooperationId: string;
  readonly partnerId: string;
  readonly dataset: string;
  readonly contentHash: string;
  readonly key: string;
}

const claimKey = (c: ContentClaim) => ({ pk: coopPk(c.cooperationId), sk: `HASH#${c.partnerId}#${c.dataset}#${c.contentHash}` });

/**
 * Claims a content hash for a key. Returns the key that already holds it when another key does
 * (the same content dropped twice under different names), or undefined when the claim is ours.
 */
export const claimContent = async (t: TableRef, claim: ContentClaim): Promise<string | undefined> => {
  const Key = claimKey(claim);
  // Loop: a holder can release its claim between our failed put and our read.
  for (;;) {
    const claimed = await writeIfCondition(
      t,
      KIND,
      ({ PutCommand }) => new PutCommand({
        TableName: t.tableName,
        Item: { ...Key, key: claim.key },
        ConditionExpression: 'attribute_not_exists(pk) OR #key = :key',
        ExpressionAttributeNames: { '#key': 'key' },
        ExpressionAttributeValues: { ':key': claim.key },
      }),
    );
    if (claimed) return undefined;
    const holder = (await getItem(t, KIND, Key))?.key;
    if (typeof holder === 'string') return holder;
  }
};

/** Releases a content claim held by a key (when its object is replaced or deleted). */
export const releaseContent = async (t: TableRef, claim: ContentClaim) => {
  await writeIfCondition(
    t,
    KIND,
    ({ DeleteCommand }) => new DeleteCommand({
      TableName: t.tableName,
      Key: claimKey(claim),
      ConditionExpression: '#key = :key',
      ExpressionAttributeNames: { '#key': 'key' },
      ExpressionAttributeValues: { ':key': claim.key },
    }),
  );
};
