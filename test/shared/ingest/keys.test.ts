import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../shared/config/schema';
import { fileKindOf } from '../../../shared/ingest/formats';
import { MAX_DROP_KEY_BYTES, parseDropKey, rejectionReportKey } from '../../../shared/ingest/keys';
import { JOINT_COURSE } from '../../support/config';

const config = configSchema.parse({
  partners: [
    {
      id: 'platform',
      name: 'Platform',
      kind: 'knowledge_platform',
      contacts: ['a@platform.example'],
      sender: 'r@platform.example',
    },
    { id: 'school', name: 'School', kind: 'training_institution', contacts: ['b@school.example'] },
    { id: 'outsider', name: 'Outsider', kind: 'brand', contacts: ['c@outsider.example'] },
  ],
  cooperations: [JOINT_COURSE],
});

const WHY = 'S3 listings and emails cannot carry it faithfully; rename the file';

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
    ['inbox/coop/platform/enrollments/', /^key has an empty segment/],
    ['inbox//platform/enrollments/a.csv', /^key has an empty segment/],
  ])('refuses %s as outside the layout', (key, reason) => {
    // Prepare: nothing beyond the key
    // Act
    const parsed = parseDropKey(key, config);
    // Assess
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
    expect(!parsed.ok && parsed.reason).toContain('expected inbox/<cooperation>/<partner>/<dataset>/<file>');
  });

  it.each([
    'inbox/coop/../enrollments/a.csv',
    'inbox/coop/./enrollments/a.csv',
    'inbox/coop/platform/enrollments/..',
    'inbox/coop/school/../platform/enrollments/a.csv',
    'inbox/coop/school/enrollments/../../platform/a.csv',
    './inbox/coop/platform/enrollments/a.csv',
  ])('refuses %s for its "." or ".." segment, whatever else is wrong with it', (key) => {
    // Act
    const parsed = parseDropKey(key, config);
    // Assess
    const reason = 'key has a "." or ".." segment: expected inbox/<cooperation>/<partner>/<dataset>/<file>';
    expect(parsed).toMatchObject({ ok: false, reason });
  });

  it.each([
    ['CR', 'a\r.csv', '000D'],
    ['LF', 'a\n.csv', '000A'],
    ['ESC', '\u001b[31ma.csv', '001B'],
    ['tab', 'a\t.csv', '0009'],
    ['DEL', 'a\u007f.csv', '007F'],
    ['a C1 control', 'a\u0085.csv', '0085'],
  ])('refuses a key with %s, naming the character', (_what, fileName, code) => {
    // Act
    const parsed = parseDropKey(`inbox/coop/school/enrollments/${fileName}`, config);
    // Assess: still naming the cooperation and partner, so the partner can be told.
    expect(parsed).toMatchObject({
      ok: false,
      reason: `key has a control character (U+${code}): ${WHY}`,
      cooperationId: 'coop',
      partner: { id: 'school' },
    });
  });

  it('refuses keys longer than MAX_DROP_KEY_BYTES (UTF-8 bytes, not characters), so records and reports fit', () => {
    // Prepare: 995 bytes pass; 996 do not (a 3-byte character pushes it over).
    const base = 'inbox/coop/school/enrollments/';
    const fits = `${base}${'a'.repeat(MAX_DROP_KEY_BYTES - base.length - 4)}.csv`;
    const over = `${base}报${'a'.repeat(MAX_DROP_KEY_BYTES - base.length - 6)}.csv`;
    // Act
    const ok = parseDropKey(fits, config);
    const refused = parseDropKey(over, config);
    // Assess
    expect(MAX_DROP_KEY_BYTES).toBe(995);
    expect(ok.ok).toBe(true);
    expect(Buffer.byteLength(`FILE#${fits}`)).toBeLessThanOrEqual(1024);
    expect(Buffer.byteLength(rejectionReportKey(fits))).toBeLessThanOrEqual(1024);
    expect(refused).toMatchObject({ ok: false, cooperationId: 'coop', partner: { id: 'school' } });
    expect(!refused.ok && refused.reason).toBe(
      'key is 996 bytes long; crosslift takes keys up to 995 bytes (UTF-8), so that its ledger record and error ' +
        'report fit the 1,024-byte key limits of DynamoDB and S3: shorten the file name',
    );
  });

  it("names the cooperation and partner of a refused key under a partner's prefix (the partner is told)", () => {
    // Act
    const layout = parseDropKey('inbox/coop/school/Enrollments/sub/a.csv', config);
    const stranger = parseDropKey('inbox/coop/outsider/enrollments/a.csv', config);
    // Assess
    expect(layout).toMatchObject({ ok: false, cooperationId: 'coop', partner: { id: 'school' } });
    const reason = '"outsider" is not a partner of cooperation coop';
    expect(stranger).toEqual({ ok: false, reason, cooperationId: 'coop' });
  });

  it('refuses a dataset the partner does not deliver when the cooperation names what it delivers', () => {
    // Prepare
    const limited = configSchema.parse({
      ...config,
      cooperations: [{ ...config.cooperations[0]!, delivers: { school: ['enrollments', 'feedback'] } }],
    });
    // Act
    const refused = parseDropKey('inbox/coop/school/campaigns/a.csv', limited);
    const allowed = parseDropKey('inbox/coop/school/feedback/a.csv', limited);
    const unlimited = parseDropKey('inbox/coop/platform/campaigns/a.csv', limited);
    // Assess
    expect(refused).toMatchObject({
      ok: false,
      reason: '"school" does not deliver campaigns in cooperation coop: it delivers enrollments, feedback',
      cooperationId: 'coop',
      partner: { id: 'school' },
    });
    expect([allowed.ok, unlimited.ok]).toEqual([true, true]);
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
    expect(parsed).toEqual({
      ok: false,
      reason: `"${partner}" is not a partner of cooperation coop`,
      cooperationId: 'coop',
    });
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

  it.each(['notes.txt', 'data.csv.zip', 'data.xlsx', 'data', 'data.gz', 'csv'])(
    'refuses the unsupported file %s',
    (fileName) => {
      // Prepare
      const key = `inbox/coop/platform/enrollments/${fileName}`;
      // Act
      const parsed = parseDropKey(key, config);
      // Assess
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.reason).toBe(
        'unsupported file type: expected one of .csv, .json, .ndjson, .jsonl, .csv.gz, .json.gz, .ndjson.gz, .jsonl.gz',
      );
    },
  );

  it('puts the rejection report next to the key under reports/rejected/', () => {
    // Prepare
    const key = 'inbox/coop/platform/enrollments/a.csv';
    // Act
    const reportKey = rejectionReportKey(key);
    // Assess
    expect(reportKey).toBe('reports/rejected/inbox/coop/platform/enrollments/a.csv.errors.json');
  });

  it("shortens the report key of a key too long for it, keeping the partner's prefix, apart by hash", () => {
    // Prepare: two 1,020-byte keys that differ only at the end.
    const base = `inbox/coop/school/enrollments/${'a/'.repeat(400)}`;
    const one = `${base}${'x'.repeat(1020 - base.length - 5)}1.csv`;
    const two = `${base}${'x'.repeat(1020 - base.length - 5)}2.csv`;
    // Act
    const reports = [rejectionReportKey(one), rejectionReportKey(two)];
    // Assess
    expect(reports.map((r) => Buffer.byteLength(r))).toEqual([1024, 1024]);
    expect(reports[0]).not.toBe(reports[1]);
    const prefix = 'reports/rejected/inbox/coop/school/';
    expect(reports.every((r) => r.startsWith(prefix) && r.endsWith('.errors.json'))).toBe(true);
  });
});
