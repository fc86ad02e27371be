import type { Logger } from '@aws-lambda-powertools/logger';

/** The part of Powertools' Logger the domain code uses: structured, with correlation keys only. */
export type Log = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
