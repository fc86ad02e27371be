/**
 * Exponential backoff with full jitter for the one loop the SDK's own retry strategy does not
 * cover: BatchWriteItem returning UnprocessedItems with a 200 status. Written here because no
 * dependency is worth it for twelve lines, and the delay function is injectable for tests.
 */
export interface BackoffOptions {
  readonly attempts: number;
  readonly baseMs: number;
  readonly capMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_BACKOFF: BackoffOptions = { attempts: 10, baseMs: 25, capMs: 2_000 };

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const backoffDelay = (attempt: number, options: BackoffOptions): number =>
  Math.random() * Math.min(options.capMs, options.baseMs * 2 ** attempt);
