import { GetSuppressedDestinationCommand, SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { MiddlewareStack } from '@smithy/types';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { deliverOnce } from '../../shared/mail/deliver';
import { header, testConfig, harnessPerTest } from '../support/harness';

describe('email delivery', () => {
  const start = harnessPerTest();

  it('sends the owner one failure notice when a report job fails after its retries', async () => {
    // Prepare: every report attempt fails in storage (the table's queries are refused).
    const h = await start(testConfig());
    (h.pipeline.runtime.clients.dynamodb.middlewareStack as MiddlewareStack<object, object>).add(
      (next) => async (args) => {
        if (
          (args as { input: { KeyConditionExpression?: string } }).input.KeyConditionExpression?.includes('BETWEEN')
        ) {
          throw Object.assign(new Error('Internal server error'), { name: 'InternalServerError' });
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const event = { cooperationId: 'coop', scheduledTime: '2026-11-16T06:00:00+08:00' };

    // Act: the schedule fires, and (as EventBridge may) fires again.
    const first = await h.pipeline.scheduleReport(event);
    await h.pipeline.scheduleReport(event);

    // Assess
    expect(first).toBeUndefined();
    const notices = (await h.emails()).filter((e) => header(e, 'X-Crosslift-Kind') === 'failure');
    expect(notices.map((e) => e.destination.to[0])).toEqual(h.config.partners[0]!.contacts);
    expect(notices[0]!.body.text).toContain('StorageError: Query of a day aggregate failed (InternalServerError)');
  });

  it('skips and records a suppressed recipient instead of retrying it forever', async () => {
    // Prepare: the suppression list is an SES account feature the emulator lacks, so SES is mocked here.
    const h = await start(testConfig());
    const ses = new SESv2Client({ region: 'us-east-1' });
    const mock = mockClient(ses);
    mock
      .on(GetSuppressedDestinationCommand)
      .rejects(Object.assign(new Error('not found'), { name: 'NotFoundException' }));
    mock.on(GetSuppressedDestinationCommand, { EmailAddress: 'gone@bounce.example' }).resolves({
      SuppressedDestination: { EmailAddress: 'gone@bounce.example', Reason: 'BOUNCE', LastUpdateTime: new Date() },
    });
    mock.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const delivery = (to: string) => ({
      cooperationId: 'coop',
      kind: 'report' as const,
      ref: 'W1',
      message: { from: 'reports@platform.example', to, subject: 's', html: '<p>h</p>', text: 't' },
    });

    // Act
    const suppressed = await deliverOnce(
      { table: h.pipeline.runtime.table, ses, now: () => new Date() },
      delivery('gone@bounce.example'),
    );
    const again = await deliverOnce(
      { table: h.pipeline.runtime.table, ses, now: () => new Date() },
      delivery('gone@bounce.example'),
    );
    const sent = await deliverOnce(
      { table: h.pipeline.runtime.table, ses, now: () => new Date() },
      delivery('ok@fine.example'),
    );

    // Assess
    expect([suppressed.state, again.state, sent.state]).toEqual(['suppressed', 'suppressed', 'sent']);
    expect(mock.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Destination?.ToAddresses)).toEqual([
      ['ok@fine.example'],
    ]);
  });
});
