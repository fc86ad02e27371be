import type { Config, Cooperation } from '../config/schema';
import type { MailAttachment } from './ses';
import { deliverOnce, reportRecipients, type DeliveryDeps, type DeliveryOutcome, type EmailKind } from './deliver';
import { recipientLocale, type Locale } from './locale';

/** An email in one language. */
export interface RenderedEmail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly attachments?: readonly MailAttachment[];
}

/** Who receives a notification. */
export type Audience =
  /** The cooperation's report recipients (its `recipients`, else every partner's contacts). */
  | { readonly kind: 'recipients' }
  /** One partner's contacts (the partner that dropped a rejected file). */
  | { readonly kind: 'partner'; readonly partnerId: string }
  /** The owner's contacts (job failures). */
  | { readonly kind: 'owner' };

export interface Notification {
  readonly cooperation: Pick<Cooperation, 'id' | 'owner' | 'partners' | 'recipients'>;
  readonly kind: EmailKind;
  /** What the email is about: one email per kind, ref and recipient, ever. */
  readonly ref: string;
  readonly audience: Audience;
  /** Renders the email in a recipient's language (called once per language). */
  render(locale: Locale): RenderedEmail;
}

export interface NotifyDeps extends DeliveryDeps {
  readonly config: Pick<Config, 'partners'>;
}

const audienceOf = (config: NotifyDeps['config'], n: Notification): string[] => {
  const contactsOf = (id: string) => config.partners.find((p) => p.id === id)?.contacts ?? [];
  switch (n.audience.kind) {
    case 'recipients':
      return reportRecipients(n.cooperation, config.partners);
    case 'partner':
      return [...new Set(contactsOf(n.audience.partnerId))];
    case 'owner':
      return [...new Set(contactsOf(n.cooperation.owner))];
  }
};

/** The owner's verified sender address: a cooperation without one sends no email. */
export const senderOf = (config: NotifyDeps['config'], cooperation: Pick<Cooperation, 'owner'>) =>
  config.partners.find((p) => p.id === cooperation.owner)?.sender;

/**
 * The one delivery path of every email kind: from the owner's verified sender, to the audience,
 * each recipient in their language, each email at most once (deliverOnce). Without a sender
 * configured the cooperation sends no email.
 *
 * Recipients go in one fixed order, and a run stops at the first email another invocation is
 * sending (`in_progress`): that invocation got there first, so it is ahead on every recipient
 * after it too. Two concurrent runs then never split the recipients between them (each finding
 * the other's claim and failing): the one that claims the last recipient always completes.
 */
export const notify = async (deps: NotifyDeps, n: Notification): Promise<DeliveryOutcome[]> => {
  const sender = senderOf(deps.config, n.cooperation);
  if (!sender) return [];
  const rendered = new Map<Locale, RenderedEmail>();
  const outcomes: DeliveryOutcome[] = [];
  for (const to of audienceOf(deps.config, n)) {
    const locale = recipientLocale(to, n.cooperation, deps.config.partners);
    let email = rendered.get(locale);
    if (!email) rendered.set(locale, (email = n.render(locale)));
    const message = { from: sender, to, ...email };
    const outcome = await deliverOnce(deps, { cooperationId: n.cooperation.id, kind: n.kind, ref: n.ref, message });
    outcomes.push(outcome);
    if (outcome.state === 'in_progress') break;
  }
  return outcomes;
};
