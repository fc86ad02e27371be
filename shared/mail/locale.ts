import type { Cooperation, Partner } from '../config/schema';

export type Locale = 'en' | 'zh-CN';

/** A recipient's language: that of the partner whose contact it is, else the owner's, else English. */
export const recipientLocale = (
  to: string,
  cooperation: Pick<Cooperation, 'owner'>,
  partners: readonly Pick<Partner, 'id' | 'contacts' | 'locale'>[],
): Locale => {
  const lower = to.toLowerCase();
  const partner = partners.find((p) => p.contacts.some((c) => c.toLowerCase() === lower));
  return (partner?.locale ?? partners.find((p) => p.id === cooperation.owner)?.locale ?? 'en') as Locale;
};
