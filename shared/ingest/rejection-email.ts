import escapeHtml from 'escape-html';
import { rowErrorLocation, type RowError } from './rejection';

export interface RejectionNotice {
  readonly key: string;
  readonly status: string;
  readonly rows: number;
  readonly rejectedRows: number;
  readonly reason?: string;
  readonly errors: readonly RowError[];
  readonly reportKey: string;
}

const where = rowErrorLocation;

/** A key as an email shows it: control characters (routing refuses such keys) become U+FFFD, never a header break. */
const printable = (key: string) => key.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD');

/** The email a partner gets when its file was rejected or partly rejected. Shows at most 20 errors. */
export const renderRejectionEmail = (raw: RejectionNotice): { subject: string; html: string; text: string } => {
  const notice = { ...raw, key: printable(raw.key), reportKey: printable(raw.reportKey) };
  const shown = notice.errors.slice(0, 20);
  const verdict =
    notice.status === 'rejected'
      ? `was rejected: ${notice.reason ?? 'see the errors below'}`
      : `was taken in part: ${notice.rejectedRows} of ${notice.rows} rows were rejected`;
  const subject = `crosslift: ${notice.key.split('/').pop()} ${notice.status === 'rejected' ? 'rejected' : `${notice.rejectedRows} rows rejected`}`;
  const text = [
    `Your file ${notice.key} ${verdict}.`,
    '',
    ...shown.map((e) => `- ${where(e) || 'file'}: ${e.reason}`),
    notice.errors.length > shown.length ? `... and more in ${notice.reportKey}` : '',
    '',
    `Full error report: ${notice.reportKey}`,
    'Fix the rows and upload the file again under the same name: it replaces the earlier version.',
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:Arial,sans-serif;color:#222">
<p>Your file <code>${escapeHtml(notice.key)}</code> ${escapeHtml(verdict)}.</p>
<table cellpadding="4" cellspacing="0" border="1" style="border-collapse:collapse;font-size:13px">
<tr><th align="left">Where</th><th align="left">Problem</th></tr>
${shown.map((e) => `<tr><td>${escapeHtml(where(e) || 'file')}</td><td>${escapeHtml(e.reason)}</td></tr>`).join('\n')}
</table>
<p>Full error report: <code>${escapeHtml(notice.reportKey)}</code></p>
<p>Fix the rows and upload the file again under the same name: it replaces the earlier version.</p>
</body></html>`;
  return { subject, html, text };
};
