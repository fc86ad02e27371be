import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { s3Lib } from '../aws/sdk';

export interface BucketRef {
  readonly s3: S3Client;
  readonly bucket: string;
}

export type OpenResult = { found: true; body: Readable; versionId?: string; etag?: string } | { found: false };

const GONE = new Set(['NoSuchKey', 'NoSuchVersion', 'PreconditionFailed', 'NotFound', 'InvalidArgument']);

/**
 * Opens an object as a stream, pinned to the version the event named: by version id on a
 * versioned bucket, else by ETag. `found: false` means that version is no longer there
 * (overwritten or deleted since the event): a newer event will bring the newer state.
 */
export const openObject = async (
  b: BucketRef,
  key: string,
  pin: { versionId?: string; etag?: string },
): Promise<OpenResult> => {
  const { GetObjectCommand } = await s3Lib();
  try {
    const out = await b.s3.send(
      new GetObjectCommand({
        Bucket: b.bucket,
        Key: key,
        ...(pin.versionId
          ? { VersionId: pin.versionId }
          : pin.etag
            ? { IfMatch: `"${pin.etag.replace(/"/g, '')}"` }
            : {}),
      }),
    );
    const etag = out.ETag?.replace(/"/g, '');
    if (!pin.versionId && pin.etag && etag && etag !== pin.etag.replace(/"/g, '')) {
      // Some S3 implementations ignore If-Match: compare ourselves, so an old event never reads a new version.
      (out.Body as Readable | undefined)?.destroy();
      return { found: false };
    }
    return {
      found: true,
      body: out.Body as Readable,
      versionId: out.VersionId,
      etag,
    };
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (GONE.has(e.name ?? '') || e.$metadata?.httpStatusCode === 404 || e.$metadata?.httpStatusCode === 412) {
      return { found: false };
    }
    throw error;
  }
};

export const putJsonObject = async (b: BucketRef, key: string, value: unknown) => {
  const { PutObjectCommand } = await s3Lib();
  await b.s3.send(
    new PutObjectCommand({
      Bucket: b.bucket,
      Key: key,
      Body: `${JSON.stringify(value, null, 2)}\n`,
      ContentType: 'application/json',
    }),
  );
};

export interface ListedObject {
  readonly key: string;
  readonly etag?: string;
  readonly size: number;
  readonly lastModified?: Date;
}

/** S3 URL-encodes keys in events and in URL-encoded listings, with `+` for spaces. */
export const decodeS3Key = (key: string) => decodeURIComponent(key.replace(/\+/g, ' '));

/**
 * Every object under a prefix. Listed with `EncodingType=url`: S3's XML listing cannot carry
 * every key faithfully (an XML parser turns CR LF into LF), so keys come URL-encoded and are
 * decoded here, and only when S3 says it encoded them.
 */
export const listObjects = async (b: BucketRef, prefix: string): Promise<ListedObject[]> => {
  const { ListObjectsV2Command } = await s3Lib();
  const objects: ListedObject[] = [];
  let ContinuationToken: string | undefined;
  do {
    const out = await b.s3.send(
      new ListObjectsV2Command({ Bucket: b.bucket, Prefix: prefix, ContinuationToken, EncodingType: 'url' }),
    );
    const keyOf = out.EncodingType === 'url' ? decodeS3Key : (key: string) => key;
    for (const o of out.Contents ?? []) {
      if (!o.Key) continue;
      const etag = o.ETag?.replace(/"/g, '');
      objects.push({ key: keyOf(o.Key), etag, size: o.Size ?? 0, lastModified: o.LastModified });
    }
    ContinuationToken = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return objects;
};
