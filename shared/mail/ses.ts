import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { sesLib } from '../aws/sdk';

export interface MailAttachment {
  readonly fileName: string;
  readonly contentType: string;
  readonly content: string | Uint8Array;
}

export interface MailMessage {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly attachments?: readonly MailAttachment[];
  /** Extra headers, e.g. X-Crosslift-Kind, so mail rules and tests can tell emails apart. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Sends one email through SES v2 (simple content: SES builds the MIME message). */
export const sendMail = async (ses: SESv2Client, message: MailMessage): Promise<string | undefined> => {
  const { SendEmailCommand } = await sesLib();
  const out = await ses.send(
    new SendEmailCommand({
      FromEmailAddress: message.from,
      Destination: { ToAddresses: [message.to] },
      Content: {
        Simple: {
          Subject: { Data: message.subject, Charset: 'UTF-8' },
          Body: { Html: { Data: message.html, Charset: 'UTF-8' }, Text: { Data: message.text, Charset: 'UTF-8' } },
          ...(message.headers
            ? { Headers: Object.entries(message.headers).map(([Name, Value]) => ({ Name, Value })) }
            : {}),
          ...(message.attachments?.length
            ? {
                Attachments: message.attachments.map((a) => ({
                  FileName: a.fileName,
                  ContentType: a.contentType,
                  RawContent: typeof a.content === 'string' ? new TextEncoder().encode(a.content) : a.content,
                  ContentDisposition: 'ATTACHMENT' as const,
                })),
              }
            : {}),
        },
      },
    }),
  );
  return out.MessageId;
};

/**
 * Whether SES's account-level suppression list holds the address (hard bounces and complaints
 * land there). Any answer other than "found" counts as not suppressed: the send itself is the
 * authority, and an emulator or a missing permission must not stop reports from going out.
 */
export const isSuppressed = async (ses: SESv2Client, address: string): Promise<boolean> => {
  try {
    const { GetSuppressedDestinationCommand } = await sesLib();
    const out = await ses.send(new GetSuppressedDestinationCommand({ EmailAddress: address }));
    return out.SuppressedDestination !== undefined;
  } catch {
    return false;
  }
};
