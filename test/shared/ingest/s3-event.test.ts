import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeS3Key, s3EventSchema, toObjectEvents } from '../../../shared/ingest/s3-event';

/** How S3 writes a key into an event notification: form-encoding, so spaces become '+'. */
const s3Encode = (key: string) => encodeURIComponent(key).replace(/%20/g, '+');

const record = (eventName: string, key: string, extra: Record<string, string> = {}) => ({
  eventName,
  s3: { bucket: { name: 'drop-bucket' }, object: { key, sequencer: '0065A1B2C3D4E5F601', ...extra } },
});

describe('decodeS3Key', () => {
  it.each([
    ['inbox/coop/platform/enrollments/week+46.csv', 'inbox/coop/platform/enrollments/week 46.csv'],
    ['inbox/coop/platform/enrollments/a%2Bb.csv', 'inbox/coop/platform/enrollments/a+b.csv'],
    ['inbox/coop/platform/enrollments/%E6%8A%A5%E5%90%8D.csv', 'inbox/coop/platform/enrollments/报名.csv'],
    ['inbox/coop/platform/enrollments/caf%C3%A9+%26+co.csv', 'inbox/coop/platform/enrollments/café & co.csv'],
    ['inbox/coop/platform/enrollments/100%25.csv', 'inbox/coop/platform/enrollments/100%.csv'],
    ['inbox/coop/platform/enrollments/plain.csv', 'inbox/coop/platform/enrollments/plain.csv'],
  ])('decodes %s to %s', (encoded, expected) => {
    // Prepare: expected keys written by hand
    // Act
    const key = decodeS3Key(encoded);
    // Assess
    expect(key).toBe(expected);
  });

  it('inverts the S3 encoding for any key (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (key) => {
        // Prepare
        const encoded = s3Encode(key);
        // Act
        const decoded = decodeS3Key(encoded);
        // Assess
        expect(decoded).toBe(key);
      }),
      { numRuns: 300 },
    );
  });
});

describe('s3EventSchema and toObjectEvents', () => {
  it('turns created and removed records into object events, with decoded keys', () => {
    // Prepare
    const event = s3EventSchema.parse({
      Records: [
        record('ObjectCreated:Put', 'inbox/coop/platform/enrollments/week+46.csv', { eTag: 'abc', versionId: 'v1' }),
        record('ObjectRemoved:Delete', 'inbox/coop/platform/enrollments/old%2B1.csv'),
        record('ObjectRestore:Completed', 'inbox/coop/platform/enrollments/x.csv'),
        record('ObjectCreated:CompleteMultipartUpload', 'inbox/coop/platform/enrollments/%E6%8A%A5%E5%90%8D.csv', {
          versionId: '',
        }),
      ],
    });
    // Act
    const events = toObjectEvents(event);
    // Assess
    expect(events).toEqual([
      {
        kind: 'created',
        bucket: 'drop-bucket',
        key: 'inbox/coop/platform/enrollments/week 46.csv',
        sequencer: '0065A1B2C3D4E5F601',
        versionId: 'v1',
        etag: 'abc',
      },
      {
        kind: 'removed',
        bucket: 'drop-bucket',
        key: 'inbox/coop/platform/enrollments/old+1.csv',
        sequencer: '0065A1B2C3D4E5F601',
      },
      {
        kind: 'created',
        bucket: 'drop-bucket',
        key: 'inbox/coop/platform/enrollments/报名.csv',
        sequencer: '0065A1B2C3D4E5F601',
      },
    ]);
  });

  it('accepts the s3:TestEvent and yields no events', () => {
    // Prepare
    const raw = {
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: '2026-11-16T00:00:00.000Z',
      Bucket: 'drop-bucket',
      RequestId: 'R',
      HostId: 'H',
    };
    // Act
    const parsed = s3EventSchema.safeParse(raw);
    // Assess
    expect(parsed.success).toBe(true);
    expect(toObjectEvents(parsed.data!)).toEqual([]);
  });

  it.each([
    ['no records', { Records: [] }],
    ['another test event name', { Event: 's3:OtherEvent' }],
    [
      'a record without a sequencer',
      { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'k' } } }] },
    ],
    ['a record with an empty key', { Records: [record('ObjectCreated:Put', '')] }],
    [
      'a record with an empty bucket name',
      {
        Records: [
          { ...record('ObjectCreated:Put', 'k'), s3: { bucket: { name: '' }, object: { key: 'k', sequencer: '1' } } },
        ],
      },
    ],
    ['nothing', {}],
  ])('refuses an event with %s', (_name, raw) => {
    // Prepare: nothing beyond the raw event
    // Act
    const parsed = s3EventSchema.safeParse(raw);
    // Assess
    expect(parsed.success).toBe(false);
  });
});
