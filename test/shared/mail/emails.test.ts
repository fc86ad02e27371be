import { describe, expect, it } from 'vitest';
import { renderAlertEmail } from '../../../shared/alerts/render-alert';
import { renderRejectionEmail, type RejectionNotice } from '../../../shared/ingest/rejection-email';
import { renderFailureNotice } from '../../../shared/mail/failure-notice';
import { renderReportEmail } from '../../../shared/report/render-email';
import { sampleReport } from '../report/email-fixtures';
import { mailClientProblems, visibleText } from './mail-safety';

const partial: RejectionNotice = {
  key: 'inbox/joint-course/beacon-academy/enrollments/enrollments-2026-w46.csv',
  status: 'partial',
  rows: 106,
  rejectedRows: 3,
  errors: [
    { line: 9, column: 'enrolled_at', reason: 'expected a real calendar date between 1970 and 9999' },
    { record: 3, reason: 'expected an object' },
    { reason: 'whole-file problem' },
  ],
  reportKey: 'reports/rejected/inbox/joint-course/beacon-academy/enrollments/enrollments-2026-w46.csv.errors.json',
};

describe('rejection emails', () => {
  it('tell the partner in English which rows were rejected and what to do', () => {
    const { subject, text, html } = renderRejectionEmail(partial, 'en');
    expect(subject).toBe('crosslift: enrollments-2026-w46.csv 3 rows rejected');
    expect(text).toBe(
      [
        'crosslift · File check',
        'enrollments-2026-w46.csv',
        'File: inbox/joint-course/beacon-academy/enrollments/enrollments-2026-w46.csv',
        '',
        '! The file was taken in part: 3 of 106 rows were rejected.',
        '',
        '- line 9, column enrolled_at: expected a real calendar date between 1970 and 9999',
        '- record 3: expected an object',
        '- file: whole-file problem',
        '',
        'Full error report: reports/rejected/inbox/joint-course/beacon-academy/enrollments/enrollments-2026-w46.csv.errors.json',
        'Fix the rows and upload the file again under the same name: it replaces the earlier version.',
        '',
        '--',
        'You receive this as a contact of the partner that uploaded the file.',
      ].join('\n'),
    );
    expect(visibleText(html)).toContain('Where Problem line 9, column enrolled_at expected a real calendar date');
    expect(mailClientProblems(html)).toEqual([]);
  });

  it('speak Chinese to a zh-CN partner, subject included', () => {
    const { subject, text } = renderRejectionEmail(partial, 'zh-CN');
    expect(subject).toBe('crosslift：enrollments-2026-w46.csv 有 3 行被拒收');
    expect(text).toContain('! 文件已部分接收：106 行中有 3 行被拒收。');
    expect(text).toContain('- 第 9 行，列 enrolled_at：expected a real calendar date between 1970 and 9999');
    expect(text).toContain('- 第 3 条记录：expected an object');
    expect(text).toContain('- 整个文件：whole-file problem');
    expect(text).toContain('请修正这些行，并以相同文件名重新上传');
    const rejected = renderRejectionEmail(
      { ...partial, status: 'rejected', reason: 'the file is not UTF-8', errors: [] },
      'zh-CN',
    );
    expect(rejected.subject).toBe('crosslift：enrollments-2026-w46.csv 被拒收');
    expect(rejected.text).toContain('✗ 文件被拒收：the file is not UTF-8');
  });

  it('list at most 20 errors, escape the key and reasons, and stay small', () => {
    const hostile = '<script>alert(1)</script>';
    const errors = Array.from({ length: 500 }, (_, i) => ({
      line: i + 2,
      column: hostile,
      reason: `${hostile}${'x'.repeat(2000)}`,
    }));
    const { html, text } = renderRejectionEmail(
      { ...partial, key: `inbox/c/p/enrollments/${hostile}.csv`, errors },
      'en',
    );
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;.csv');
    expect(text).toContain('… and 480 more in reports/rejected/');
    expect(mailClientProblems(html)).toEqual([]);
    expect(Buffer.byteLength(html)).toBeLessThan(100_000);
  });
});

describe('failure notices', () => {
  const cooperation = { id: 'joint-course', name: 'Zhixue x Beacon <joint> course' };
  const reason = 'StorageError: Query of a day aggregate failed (InternalServerError)';

  it('tell the owner what failed, why, and that the data is safe, in English', () => {
    const { subject, text, html } = renderFailureNotice(cooperation, '2026-11-23T06:00:00+08:00', reason, 'en');
    expect(subject).toBe(
      'crosslift: the report job of Zhixue x Beacon <joint> course failed (2026-11-23T06:00:00+08:00)',
    );
    expect(text).toContain(
      'The scheduled report job of Zhixue x Beacon <joint> course (joint-course) for 2026-11-23T06:00:00+08:00 failed after its retries.',
    );
    expect(text).toContain(`Reason: ${reason}`);
    expect(text).toContain('The data is safe');
    expect(html).toContain('Zhixue x Beacon &lt;joint&gt; course');
    expect(mailClientProblems(html)).toEqual([]);
  });

  it('and in Chinese, subject included', () => {
    const { subject, text } = renderFailureNotice(cooperation, undefined, reason, 'zh-CN');
    expect(subject).toBe('crosslift：Zhixue x Beacon <joint> course 的报告任务失败（非计划运行）');
    expect(text).toContain(`原因：${reason}`);
    expect(text).toContain('数据是安全的');
  });
});

describe('every email kind', () => {
  it('shares the header, colours, card and footer of one layout', () => {
    const emails = [
      renderReportEmail(sampleReport(), { currency: 'CNY', locale: 'en' }),
      renderReportEmail(sampleReport(), {
        currency: 'CNY',
        locale: 'en',
        restatement: { enrollments: { before: 1, after: 2 } },
      }),
      renderAlertEmail({
        cooperationName: 'c',
        transitions: [{ key: 'data:feedback', metric: 'data:feedback', transition: 'no_data', period: '2026-W45' }],
        locale: 'en',
        currency: 'CNY',
      }),
      renderRejectionEmail(partial, 'en'),
      renderFailureNotice({ id: 'c', name: 'c' }, undefined, 'Error: x', 'en'),
    ];
    const kinds = emails.map((e) => /letter-spacing:\.04em;color:#1a5fb4">([^<]+)</.exec(e.html)?.[1]);
    expect(kinds).toEqual([
      'crosslift · Weekly report',
      'crosslift · Restated report',
      'crosslift · Alert',
      'crosslift · File check',
      'crosslift · Job failure',
    ]);
    for (const { html, text } of emails) {
      expect(html).toContain(
        'class="cl-card cl-edge" style="max-width:600px;background:#ffffff;color:#1f1f1f;border-top:4px solid #1a5fb4',
      );
      expect(html).toContain('@media (prefers-color-scheme:dark)');
      expect(html).toMatch(/You receive this as a/);
      expect(text).toMatch(/\n--\n(.|\n)*You receive this as a/);
      expect(mailClientProblems(html)).toEqual([]);
    }
  });
});
