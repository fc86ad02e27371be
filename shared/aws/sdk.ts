/**
 * The AWS SDK v3 packages, each imported on first use.
 *
 * The Lambda bundles leave `@aws-sdk/*` external (the Node.js runtime provides it), and loading
 * one client package takes 100-170 ms, more than everything else a bundle loads. Imported
 * statically (by the storage modules, the SES adapter and the clients), all of them loaded at
 * every cold start before the handler was even called, whether the invocation needed them or
 * not. Imported from here instead, each package loads when a command of it is first built:
 * the report function never loads S3, the ingest loads SES only to send a rejection email.
 *
 * Every module that builds an SDK command or client takes its package from here; anything
 * else may only `import type` from the SDK (types are erased from the bundles). In the CLI
 * build these dynamic imports become chunks of their own; under Node (tests, the local stack)
 * they resolve to the same module instances as any static import of the package.
 */

export type DynamoDbLib = typeof import('@aws-sdk/lib-dynamodb');
export type DynamoDbClientLib = typeof import('@aws-sdk/client-dynamodb');
export type S3Lib = typeof import('@aws-sdk/client-s3');
export type SesLib = typeof import('@aws-sdk/client-sesv2');

/** Imports a package once; a failed import is not kept, so the next use tries again. */
const once = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
};

/** The DynamoDB document client and its commands (loads the DynamoDB client package too). */
export const dynamoDbLib = once((): Promise<DynamoDbLib> => import('@aws-sdk/lib-dynamodb'));
export const dynamoDbClientLib = once((): Promise<DynamoDbClientLib> => import('@aws-sdk/client-dynamodb'));
export const s3Lib = once((): Promise<S3Lib> => import('@aws-sdk/client-s3'));
export const sesLib = once((): Promise<SesLib> => import('@aws-sdk/client-sesv2'));
