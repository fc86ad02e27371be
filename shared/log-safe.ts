import { CrossliftError } from './errors';

/**
 * What of an error may be logged: its name, our fixed message and our structured details.
 * Never the cause chain: third-party errors (CSV parsers, SDKs) put row values in their
 * messages and fields, and a user id must never reach the logs.
 */
export const loggableError = (error: unknown) => {
  if (error instanceof CrossliftError) return { name: error.name, message: error.message, details: error.details };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: typeof error };
};
