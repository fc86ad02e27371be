import { createHash } from 'node:crypto';

/** S3 object keys and DynamoDB sort keys both take at most 1,024 bytes of UTF-8. */
export const KEY_LIMIT_BYTES = 1024;

/** `~` and 16 hex digits of SHA-256: what replaces the end of a key that does not fit. */
const HASH_TAIL_BYTES = 17;

/**
 * A key that fits `limit` UTF-8 bytes: the text itself when it fits, else its longest prefix
 * (never splitting a character) followed by `~` and a hash of the whole text. The prefix keeps
 * what the key starts with (a partner's prefix), the hash keeps distinct texts apart.
 */
export const fitKey = (text: string, limit: number = KEY_LIMIT_BYTES): string => {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) return text;
  let end = limit - HASH_TAIL_BYTES;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return `${bytes.subarray(0, end).toString('utf8')}~${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
};
