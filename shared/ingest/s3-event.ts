import * as z from 'zod';
import { decodeS3Key } from '../storage/objects';
import type { ObjectEvent } from './ingest-object';

/** The part of an S3 event notification record the ingest reads. */
const s3RecordSchema = z.object({
  eventName: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      eTag: z.string().optional(),
      versionId: z.string().optional(),
      sequencer: z.string().min(1),
    }),
  }),
});

/** S3 sends `s3:TestEvent` (no Records) when a notification is configured: acknowledged, ignored. */
export const s3EventSchema = z.union([
  z.object({ Records: z.array(s3RecordSchema).min(1) }),
  z.object({ Event: z.literal('s3:TestEvent') }),
]);

export type S3Event = z.infer<typeof s3EventSchema>;

export { decodeS3Key };

export const toObjectEvents = (event: S3Event): ObjectEvent[] =>
  'Records' in event
    ? event.Records.filter(
        (r) => r.eventName.startsWith('ObjectCreated:') || r.eventName.startsWith('ObjectRemoved:'),
      ).map((r) => ({
        kind: r.eventName.startsWith('ObjectRemoved:') ? ('removed' as const) : ('created' as const),
        bucket: r.s3.bucket.name,
        key: decodeS3Key(r.s3.object.key),
        sequencer: r.s3.object.sequencer,
        ...(r.s3.object.versionId ? { versionId: r.s3.object.versionId } : {}),
        ...(r.s3.object.eTag ? { etag: r.s3.object.eTag } : {}),
      }))
    : [];
