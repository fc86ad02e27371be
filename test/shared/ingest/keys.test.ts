import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../shared/config/schema';
import { fileKindOf } from '../../../shared/ingest/formats';
import { parseDropKey, rejectionReportKey } from '../../../shared/ingest/keys';
import { JOINT_COURSE } from '../../support/config';

const config = configSchema.parse({
  partners: [
    { id: 'platform', name: 'Platform', kind: 'knowledge_platform', contacts: ['a@platform.example'], sender: 'r@platform.example' },
    { id: 'school', name: 'School', kind: 'training_institution', contacts: ['b@school.example'] },
    { id: 'outsider', name: 'Outsider', kind: 'brand', contacts: ['c@outsider.example'] },
  ],
  cooperations: [
    JOINT_COURSE,
  ],
});

describe('parseDropKey', () => {
  it('routes inbox/<cooperation>/<partner>/<dataset>/<file> to its cooperation, partner, dataset and format', () => {
    // Prepare
    const key = 'inbox/coop/school/enrollments/2026-11 week 46.csv.gz';
    // Act
    const parsed = parseDropKey(key, config);
    // Assess
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.drop.key).toBe(key);
    expect(parsed.drop.cooperation.id).toBe('coop');
    expect(parsed.drop.partner.id).toBe('school');
    expect(parsed.drop.dataset).toBe('enrollments');
    expect(parsed.drop.fileName).toBe('2026-11 week 46.csv.gz');
    expect(parsed.drop.kind).toEqual({ format: 'csv', gzip: true });
  });

  it.each([
    ['data.csv', { format: 'csv', gzip: false }],
    ['DATA.CSV', { format: 'csv', gzip: false }],
    ['data.json', { format: 'json', gzip: false }],
    ['data.ndjson', { format: 'ndjson', gzip: false }],
    ['data.jsonl.gz', { format: 'ndjson', gzip: true }],
    ['data.JSON.GZ', { format: 'json', gzip: true }],
  ])('reads the format of %s', (fileName, kind) => {
    // Prepare
    const key = `inbox/coop/platform/feedback/${fileName}`;
    // Act
    const parsed = parseDropKey(key, config);
    // Assess
    expect(parsed.ok && parsed.drop.kind).toEqual(kind);
    expect(fileKindOf(fileName)).toEqual(kind);
  });

  it.each([
    ['outbox/coop/platform/enrollments/a.csv', /^key is outside the drop layout/],
    ['inbox/coop/platform/enrollments', /^key is outside the drop layout/],
    ['inbox/coop/platform/enrollments/sub/a.csv', /^key is outside the drop layout/],
    ['/inbox/coop/platform/enrollments/a.csv', /^key is outside the drop layout/],
    ['inbox/coop/platform/enrollments/', /^key has an empty, "\." or "\.\." segment/],
    ['inbox/coop/../enrollments/a.csv', /^key has an empty, "\." or "\.\." segment/],
    ['inbox/coop/./enrollments/a.csv', /^key has an empty, "\." or "\.\." segment/],
    ['inbox//platform/enrollments/a.csv', /^key has an empty/],
    ['inbox/coop/platform/enrollments/..', /^key has an empty/],
  ])('refuses %s as outside the layout', (key, reason) => {
    // Prepare: nothing beyond the key
    // Act
    const parsed = parseDropKey(key, config);
    // Assess
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
    expect(!parsed.ok && parsed.reason).toContain('expected inbox/<cooperation>/<partner>/<dataset>/<file>');
  });

  it('names an unknown cooperation, and still finds the partner to tell', () => {
    // Prepare
    const key = 'inbox/other/school/enrollments/a.csv';
    // Act
    const parsed = parseDropKey(key, config);
    // Assess
    expect(parsed).toMatchObject({ ok: false, reason: 'unknown cooperation "other"' });
    expect(!parsed.ok && parsed.partner?.id).toBe('school');
  });

  it.each(['outsider', 'nobody'])('refuses %s, who is not a partner of the cooperation', (partner) => {
    // Prepare
    const key = `inbox/coop/${partner}/enrollments/a.csv`;
    // Act
    const parsed = parseDropKey(key, config);
    // Assess
    expect(parsed).toEqual({ ok: false, reason: `"${partner}" is not a partner of cooperation coop`, cooperationId: 'coop' });
  });

  it.each(['signups', 'Enrollments', 'toString', '__proto__'])('refuses the unknown dataset %s', (dataset) => {
    // Prepare
    const key = `inbox/coop/platform/${dataset}/a.csv`;
    // Act
    const parsed = parseDropKey(key, config);
    // Assess
    expect(parsed).toMatchObject({ ok: false, reason: `unknown dataset "${dataset}"`, cooperationId: 'coop' });
    expect(!parsed.ok && parsed.partner?.id).toBe('platform');
  });

  it.each(['notes.txt', 'data.csv.zip', 'data.xlsx', 'data', 'data.gz', 'csv'])('refuses the unsupported file %s', (fileName) => {
    // Prepare
    const key = `inbox/coop/platform/enrollments/${fileName}`;
    // Act
    const parsed = parseDropKey(key, config);
    // Assess
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toBe(
      'unsupported file type: expected one of .csv, .json, .ndjson, .jsonl, .csv.gz, .json.gz, .ndjson.gz, .jsonl.gz',
    );
  });

  it('puts the rejection report next to the key under reports/rejected/', () => {
    // Prepare
    const key = 'inbox/coop/platform/enrollments/a.csv';
    // Act
    const reportKey = rejectionReportKey(key);
    // Assess
    expect(reportKey).toBe('reports/rejected/inbox/coop/platform/enrollments/a.csv.errors.json');
  });
});
