import { MESSAGES } from '../mail/i18n';
import { banner, clip, dataTable, emailDocument, paragraph, textDocument } from '../mail/layout';
import type { Locale } from '../mail/locale';
import type { RowError } from './rejection';

export interface RejectionNotice {
  readonly key: string;
  readonly status: string;
  readonly rows: number;
  readonly rejectedRows: number;
  readonly reason?: string;
  readonly errors: readonly RowError[];
  readonly reportKey: string;
}

/** Errors the email lists at most; the error report next to the file has them all. */
const SHOWN_ERRORS = 20;

/** A key as an email shows it: control characters (routing refuses such keys) become U+FFFD, never a header break. */
const printable = (key: string) => key.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD');

/**
 * The email a partner gets when its file was rejected or partly rejected, in the partner's
 * language (the problems themselves are the validator's English words). Shows at most 20 errors.
 */
export const renderRejectionEmail = (
  raw: RejectionNotice,
  locale: Locale = 'en',
): { subject: string; html: string; text: string } => {
  const notice = { ...raw, key: printable(raw.key), reportKey: printable(raw.reportKey) };
  const t = MESSAGES[locale];
  const r = t.rejection;
  const shown = notice.errors.slice(0, SHOWN_ERRORS);
  const rejected = notice.status === 'rejected';
  const file = clip(notice.key.split('/').pop() ?? notice.key, 120);
  const key = clip(notice.key, 300);
  const reportKey = clip(notice.reportKey, 400);
  const verdict = rejected
    ? r.rejected(notice.reason && clip(notice.reason, 300))
    : r.partial(notice.rejectedRows, notice.rows);
  const subject = rejected ? r.subjectRejected(file) : r.subjectPartial(file, notice.rejectedRows);
  const rows = shown.map((e) => [r.place(e) || r.wholeFile, clip(e.reason, 300)]);
  const more = notice.errors.length > shown.length ? r.more(notice.errors.length - shown.length, reportKey) : '';
  const footer = [t.why.partner];
  const html = emailDocument({
    locale,
    title: subject,
    preheader: verdict,
    kind: t.kinds.rejection,
    heading: file,
    subheading: `${r.fileLabel}: ${key}`,
    footer,
    body: [
      banner(rejected ? 'bad' : 'warn', rejected ? '✗' : '!', verdict),
      rows.length ? dataTable([r.where, r.problem], rows) : '',
      more ? paragraph(more, { muted: true, size: 12 }) : '',
      paragraph(r.fullReport(reportKey), { size: 13 }),
      paragraph(r.fix),
    ]
      .filter(Boolean)
      .join('\n'),
  });
  const text = textDocument({
    kind: t.kinds.rejection,
    heading: file,
    subheading: `${r.fileLabel}: ${key}`,
    banner: `${rejected ? '✗' : '!'} ${verdict}${t.stop}`,
    sections: [
      { lines: [...rows.map(([where, problem]) => `- ${where}${t.colon}${problem}`), ...(more ? [more] : [])] },
      { lines: [r.fullReport(reportKey), r.fix] },
    ],
    footer,
  });
  return { subject, html, text };
};
