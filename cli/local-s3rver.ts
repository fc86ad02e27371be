import type S3rver from 's3rver';

/** AWS URL-encodes keys in events and URL-encoded listings, with `+` for spaces and `/` left as is. */
export const encodeS3Key = (key: string) => encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');

interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
}
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

/** Why the local stack refuses an object key, or undefined. */
const localKeyRefusal = (key: string): string | undefined => {
  const segments = key.split('/');
  if (segments.some((s) => s === '.' || s === '..')) {
    return 'key has a "." or ".." segment: the local stack stores objects as files and would resolve it elsewhere';
  }
  if (segments.slice(0, -1).some((s) => s === '')) {
    return 'key has an empty segment: the local stack stores objects as files and would collapse it elsewhere';
  }
  return undefined;
};

/**
 * Makes s3rver closer to S3 where the pipeline depends on it:
 * - S3 keeps `a/../b`, `a/./b` and `a//b` as keys of their own; s3rver's file store resolves them
 *   (`inbox/c/p1/../p2/...` landed in p2's prefix). The local stack refuses such keys instead,
 *   with a 400 InvalidArgument naming the reason (the ingest refuses them at routing on S3).
 * - S3 answers `ListObjectsV2` with `encoding-type=url` by URL-encoding the keys; s3rver ignores
 *   the parameter, and its XML turns CR LF in a key into LF. The keys are encoded here.
 * Both run as a Koa middleware just before s3rver's router (inside its XML encoder).
 */
export const patchS3rver = (s3: S3rver) => {
  const guard: KoaMiddleware = async (ctx, next) => {
    // Path style: /<bucket>/<key>; the key's segments as S3 would decode them.
    const [, , ...rest] = ctx.path.split('/');
    let key = '';
    try {
      key = rest.map((s) => decodeURIComponent(s)).join('/');
    } catch {
      // Not valid percent-encoding: s3rver answers it as it would.
    }
    const refusal = key !== '' ? localKeyRefusal(key) : undefined;
    if (refusal) {
      ctx.status = 400;
      ctx.body = { Error: { Code: 'InvalidArgument', Message: refusal, ArgumentName: 'key' } };
      return;
    }
    await next();
    const result = (ctx.body as { ListBucketResult?: Record<string, unknown> } | undefined)?.ListBucketResult;
    if (ctx.method !== 'GET' || ctx.query['encoding-type'] !== 'url' || !result) return;
    const encode = (value: unknown) => (typeof value === 'string' ? encodeS3Key(value) : value);
    result.Prefix = encode(result.Prefix);
    result.StartAfter = encode(result.StartAfter);
    result.Contents = (result.Contents as { Key: string }[]).map((o) => ({ ...o, Key: encodeS3Key(o.Key) }));
    const prefixes = result.CommonPrefixes as { Prefix: string }[];
    result.CommonPrefixes = prefixes.map((p) => ({ Prefix: encodeS3Key(p.Prefix) }));
    result.EncodingType = 'url';
  };
  const middleware = (s3 as unknown as { middleware: KoaMiddleware[] }).middleware;
  middleware.splice(middleware.length - 1, 0, guard);
};
