import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, MAX_CONFIG_BYTES, MAX_YAML_ALIAS_COUNT, parseConfig } from '../../../shared/config/load';
import { ConfigError } from '../../../shared/errors';

const VALID = `# A test config
partners:
  - id: zhixue
    name: Zhixue Online
    kind: knowledge_platform
    contacts: [data@zhixue.example]
    sender: reports@zhixue.example
  - id: beacon
    name: Beacon Academy
    kind: training_institution
    contacts:
      - partners@beacon.example
    locale: zh-CN

cooperations:
  - id: joint-course
    name: Joint AI course
    type: joint_course
    owner: zhixue
    partners: [zhixue, beacon]
    timezone: Asia/Shanghai
    starts: 2026-10-05
    schedule: weekly
    market:
      totalUsers: 2000000
      totalBrand: 50000
    model:
      capability: { storage: 80, processing: 70, analysis: 60 }
    targets:
      enrollments: { min: 80 }
      refund_rate: { max: 0.1, mode: point, minSample: 50 }
    expects:
      enrollments: [zhixue, beacon]
`;

/** The 1-based line of the first line of `text` containing `needle` (after `from`, if given). */
const lineOf = (text: string, needle: string, from?: string) => {
  const lines = text.split('\n');
  const start = from === undefined ? 0 : lines.findIndex((l) => l.includes(from));
  const index = lines.findIndex((l, i) => i >= start && l.includes(needle));
  if (index < 0) throw new Error(`${needle} not in text`);
  return index + 1;
};

/** Runs parseConfig expecting a ConfigError, and returns it. */
const configError = (text: string, file = 'crosslift.config.yaml'): ConfigError => {
  try {
    parseConfig(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected parseConfig to throw');
};

describe('parseConfig: valid configs', () => {
  it('parses the YAML config and applies defaults', () => {
    // Prepare: nothing beyond VALID
    // Act
    const config = parseConfig(VALID, 'crosslift.config.yaml');
    // Assess
    expect(config.partners.map((p) => [p.id, p.locale])).toEqual([
      ['zhixue', 'en'],
      ['beacon', 'zh-CN'],
    ]);
    const coop = config.cooperations[0]!;
    expect(coop).toMatchObject({
      id: 'joint-course',
      timezone: 'Asia/Shanghai',
      starts: '2026-10-05',
      currency: 'CNY',
      market: { totalUsers: 2_000_000, totalBrand: 50_000 },
      model: { capability: { storage: 80, processing: 70, analysis: 60 }, alpha: [0.8, 0.2, 0], beta: [0.5, 0.3, 0.2] },
      targets: { enrollments: { min: 80 }, refund_rate: { max: 0.1, mode: 'point', minSample: 50 } },
      expects: { enrollments: ['zhixue', 'beacon'] },
    });
    expect(config.ingest).toEqual({ maxUncompressedBytes: 2 * 1024 ** 3, maxRejectedShare: 0.05 });
  });

  it('parses the same config written as JSON', () => {
    // Prepare
    const json = JSON.stringify(parseConfig(VALID, 'a.yaml'), null, 2);
    // Act
    const config = parseConfig(json, 'crosslift.config.json');
    // Assess
    expect(config).toEqual(parseConfig(VALID, 'a.yaml'));
  });
});

describe('parseConfig: errors name the file, the line and the path', () => {
  it('reports a bad timezone at its line with the path cooperations[0].timezone', () => {
    // Prepare
    const text = VALID.replace('timezone: Asia/Shanghai', 'timezone: Asia/Beijing');
    const line = lineOf(text, 'timezone: Asia/Beijing');
    // Act
    const error = configError(text, 'conf/file.yaml');
    // Assess
    expect(error.message).toContain(
      `conf/file.yaml:${line}: cooperations[0].timezone: expected an IANA timezone such as Asia/Shanghai or Europe/Berlin`,
    );
    expect(error.message.startsWith('invalid config conf/file.yaml:\n')).toBe(true);
    expect(error.details).toMatchObject({ file: 'conf/file.yaml' });
  });

  it('reports an unknown partner in a cooperation at the list item', () => {
    // Prepare
    const text = VALID.replace('partners: [zhixue, beacon]', 'partners:\n      - zhixue\n      - ghost');
    const line = lineOf(text, '- ghost');
    // Act
    const error = configError(text);
    // Assess
    expect(error.message).toContain(
      `crosslift.config.yaml:${line}: cooperations[0].partners[1]: unknown partner "ghost"`,
    );
  });

  it('reports an owner without a sender at the partner entry', () => {
    // Prepare: beacon becomes the owner, but has no sender
    const text = VALID.replace('owner: zhixue', 'owner: beacon');
    const line = lineOf(text, 'id: beacon');
    // Act
    const error = configError(text);
    // Assess
    expect(error.message).toContain(
      `crosslift.config.yaml:${line}: partners[1].sender: expected a sender email: this partner owns cooperations and sends their reports`,
    );
  });

  it.each([
    ['CR LF', 'Zhixue\\r\\nBcc: all@evil.example'],
    ['ESC', 'Zhixue \\e[31mred'],
    ['a C1 control', 'Zhixue\\x85next'],
    ['a line separator', 'Zhixue\\u2028next'],
  ])('refuses %s in partner and cooperation names (they reach email subjects), at file:line', (_what, name) => {
    // Prepare: both names written as double-quoted YAML strings with escapes, in a file.
    const text = VALID.replace('name: Zhixue Online', `name: "${name}"`).replace(
      'name: Joint AI course',
      `name: "${name} course"`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'crosslift-config-'));
    const file = join(dir, 'crosslift.config.yaml');
    writeFileSync(file, text);
    try {
      // Act
      const act = () => loadConfigFile(file);
      // Assess
      const expected = 'expected no control characters (CR, LF, tab, ESC and the like): names reach email subjects';
      expect(act).toThrow(`${file}:${lineOf(text, `name: "${name}"`)}: partners[0].name: ${expected}`);
      expect(act).toThrow(`${file}:${lineOf(text, `name: "${name} course"`)}: cooperations[0].name: ${expected}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads which datasets a partner delivers, and refuses unknown partners and datasets there at their line', () => {
    // Prepare
    const withDelivers = (entry: string) =>
      VALID.replace('    expects:\n', `    delivers:\n      ${entry}\n    expects:\n`);
    const rights = withDelivers('beacon: [enrollments, feedback]');
    const wrong = withDelivers('ghost: [enrollments]');
    const unknown = withDelivers('beacon: [signups]');
    const unfit = withDelivers('beacon: [feedback]');
    // Act
    const config = parseConfig(rights, 'crosslift.config.yaml');
    const error = configError(wrong);
    const unknownError = configError(unknown);
    const unfitError = configError(unfit);
    // Assess
    expect(config.cooperations[0]!.delivers).toEqual({ beacon: ['enrollments', 'feedback'] });
    expect(error.message).toContain(
      `crosslift.config.yaml:${lineOf(wrong, 'ghost:')}: cooperations[0].delivers.ghost: ` +
        'expected a partner of this cooperation, got "ghost"',
    );
    const signups = lineOf(unknown, 'signups');
    expect(unknownError.message).toContain(`crosslift.config.yaml:${signups}: cooperations[0].delivers.beacon[0]:`);
    expect(unfitError.message).toContain(
      `crosslift.config.yaml:${lineOf(unfit, 'enrollments: [zhixue, beacon]')}: ` +
        'cooperations[0].expects.enrollments[1]: ' +
        'expected a partner that delivers enrollments (see delivers), got "beacon"',
    );
  });

  it('reports duplicate partner and cooperation ids', () => {
    // Prepare
    const extraPartner = `  - id: beacon\n    name: Beacon again\n    kind: university\n    contacts: [x@beacon.example]\n\ncooperations:`;
    const secondCoop = `\n  - id: joint-course\n    name: Again\n    type: referral\n    owner: zhixue\n    partners: [zhixue, beacon]\n    timezone: UTC\n    starts: 2026-01-01\n    schedule: monthly\n`;
    const text = VALID.replace('\ncooperations:', `\n${extraPartner}`) + secondCoop;
    // Act
    const error = configError(text);
    // Assess
    expect(error.message).toMatch(/:\d+: partners\[2\]\.id: duplicate partner id "beacon"/);
    expect(error.message).toMatch(/:\d+: cooperations\[1\]\.id: duplicate cooperation id "joint-course"/);
    const partnerLine =
      text.split('\n').findIndex((l, i) => l.includes('- id: beacon') && i > lineOf(text, 'locale: zh-CN')) + 1;
    expect(error.message).toContain(`crosslift.config.yaml:${partnerLine}: partners[2].id`);
    const coopLine =
      text.split('\n').findIndex((l, i) => l.includes('- id: joint-course') && i > lineOf(text, 'expects:')) + 1;
    expect(error.message).toContain(`crosslift.config.yaml:${coopLine}: cooperations[1].id`);
  });

  it('lists every problem, one per line', () => {
    // Prepare
    const text = VALID.replace('schedule: weekly', 'schedule: daily').replace(
      'starts: 2026-10-05',
      'starts: 2026-13-40',
    );
    // Act
    const error = configError(text);
    // Assess
    const problems = (error.details as { problems: string[] }).problems;
    expect(problems).toHaveLength(2);
    expect(problems.some((p) => p.includes(`:${lineOf(text, 'schedule: daily')}: cooperations[0].schedule:`))).toBe(
      true,
    );
    expect(
      problems.some((p) =>
        p.includes(`:${lineOf(text, 'starts: 2026-13-40')}: cooperations[0].starts: expected a date as YYYY-MM-DD`),
      ),
    ).toBe(true);
  });

  it.each([
    [
      'a target with both min and max',
      (t: string) => t.replace('enrollments: { min: 80 }', 'enrollments: { min: 80, max: 90 }'),
      'cooperations[0].targets.enrollments: expected exactly one of min or max',
      'enrollments: { min: 80, max: 90 }',
    ],
    [
      'an unknown metric target',
      (t: string) => t.replace('enrollments: { min: 80 }', 'signups: { min: 80 }'),
      'cooperations[0].targets',
      'signups: { min: 80 }',
    ],
    [
      'an owner outside the partners',
      (t: string) =>
        t
          .replace('partners: [zhixue, beacon]', 'partners: [beacon, zhixue-2]')
          .replace(
            '  - id: beacon\n',
            '  - id: zhixue-2\n    name: Z2\n    kind: brand\n    contacts: [a@b.example]\n  - id: beacon\n',
          ),
      "cooperations[0].owner: expected the owner to be one of the cooperation's partners",
      'owner: zhixue',
    ],
    [
      'an expected partner outside the cooperation',
      (t: string) => t.replace('enrollments: [zhixue, beacon]', 'enrollments: [zhixue, nobody]'),
      'cooperations[0].expects.enrollments[1]: expected a partner of this cooperation, got "nobody"',
      'enrollments: [zhixue, nobody]',
    ],
    [
      'a bad contact email',
      (t: string) => t.replace('data@zhixue.example', 'not-an-email'),
      'partners[0].contacts[0]:',
      'contacts: [not-an-email]',
    ],
    [
      'an unknown key',
      (t: string) => t.replace('schedule: weekly', 'schedule: weekly\n    colour: blue'),
      'cooperations[0]:',
      '- id: joint-course',
    ],
  ])('reports %s at its line', (_name, edit, expected, needle) => {
    // Prepare
    const text = edit(VALID);
    const line = lineOf(
      text,
      needle,
      needle.startsWith('enrollments') || needle.startsWith('signups') ? 'targets:' : undefined,
    );
    // Act
    const error = configError(text);
    // Assess
    expect(error.message).toContain(`crosslift.config.yaml:${line}: ${expected}`);
  });

  it.each([
    [
      'an unclosed flow sequence',
      'partners:\n  - id: a\n    contacts: [x@y.example\ncooperations: []\n',
      /Flow sequence/,
    ],
    ['a duplicate key', 'partners: []\npartners: []\n', /Map keys must be unique/],
  ])('reports YAML syntax errors (%s) with the file and the parser reason', (_name, text, reason) => {
    // Prepare: nothing beyond the text
    // Act
    const error = configError(text, 'bad.yaml');
    // Assess
    expect(error.message).toMatch(/^bad\.yaml(:\d+)?: not valid YAML\/JSON: /);
    expect(error.message).toMatch(reason);
    expect(error.message).not.toContain('\n');
    expect(error.details).toEqual({ file: 'bad.yaml' });
  });

  it('reports an empty document at the root', () => {
    // Prepare
    const text = '';
    // Act
    const error = configError(text, 'empty.yaml');
    // Assess
    expect(error.message).toContain('empty.yaml: (root):');
  });
});

describe('parseConfig and loadConfigFile: hostile or oversized input', () => {
  it('stops a YAML alias bomb with the file, the line of the alias that passes the limit, and no expansion', () => {
    // Prepare: "billion laughs", each anchor aliasing the previous one ten times.
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [i, name] of ['b', 'c', 'd', 'e', 'f', 'g'].entries()) {
      const previous = String.fromCharCode('a'.charCodeAt(0) + i);
      levels.push(`${name}: &${name} [${Array.from({ length: 10 }, () => `*${previous}`).join(', ')}]`);
    }
    const text = `${levels.join('\n')}\npartners: *g\n`;
    // Act
    const started = performance.now();
    const error = configError(text, 'bomb.yaml');
    // Assess: by yaml's rule (an anchor's uses, counting itself, times the aliases inside it),
    // each *b on line 3 counts 11: the 9th passes 100.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error.message).toMatch(
      new RegExp(`^bomb\\.yaml:3: YAML aliases expand too far \\(more than ${MAX_YAML_ALIAS_COUNT} aliased nodes\\)`),
    );
  });

  it('names the line of an alias whose anchor is not defined before it', () => {
    // Prepare
    const text = VALID.replace('contacts: [data@zhixue.example]', 'contacts: *nowhere');
    // Act
    const error = configError(text);
    // Assess
    expect(error.message).toMatch(
      new RegExp(`^crosslift\\.config\\.yaml:${lineOf(text, '*nowhere')}: Unresolved alias`),
    );
  });

  it('keeps ordinary anchors and aliases working', () => {
    // Prepare: one contact list shared by two partners.
    const text = VALID.replace('contacts: [data@zhixue.example]', 'contacts: &team [data@zhixue.example]').replace(
      'contacts:\n      - partners@beacon.example',
      'contacts: *team',
    );
    // Act
    const config = parseConfig(text, 'crosslift.config.yaml');
    // Assess
    expect(config.partners.map((p) => p.contacts)).toEqual([['data@zhixue.example'], ['data@zhixue.example']]);
  });

  it('refuses a config file over the size limit before reading it, with the file and both sizes', () => {
    // Prepare: valid YAML padded with comments past 1 MiB.
    const dir = mkdtempSync(join(tmpdir(), 'crosslift-config-'));
    const file = join(dir, 'crosslift.config.yaml');
    writeFileSync(
      file,
      `${VALID}${'# padding padding padding padding padding padding padding padding\n'.repeat(MAX_CONFIG_BYTES / 64)}`,
    );
    try {
      // Act
      const act = () => loadConfigFile(file);
      // Assess
      expect(act).toThrow(ConfigError);
      expect(act).toThrow(`${file}: the config file is 1.0 MiB; a config may be at most 1 MiB`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parseConfig: impact estimates (issue 14)', () => {
  const withImpact = (impact: string) => `${VALID}    impact:\n${impact}`;

  it('takes an outcome with controls and a pre-period, and defaults controls to none', () => {
    // Prepare
    const text = withImpact(
      [
        '      - outcome: { partner: beacon, series: total_enrollments }',
        '        controls: [{ partner: zhixue, series: other_city }]',
        '        preperiod: { from: 2026-06-01 }',
        '      - outcome: { partner: zhixue, series: revenue }',
        '',
      ].join('\n'),
    );
    // Act
    const impact = parseConfig(text, 'a.yaml').cooperations[0]!.impact;
    // Assess
    expect(impact).toEqual([
      {
        outcome: { partner: 'beacon', series: 'total_enrollments' },
        controls: [{ partner: 'zhixue', series: 'other_city' }],
        preperiod: { from: '2026-06-01' },
      },
      { outcome: { partner: 'zhixue', series: 'revenue' }, controls: [] },
    ]);
  });

  it.each([
    [
      'an outcome partner outside the cooperation',
      '      - outcome: { partner: ghost, series: s }\n',
      'outcome: { partner: ghost',
      "cooperations[0].impact[0].outcome.partner: expected one of the cooperation's partners (zhixue, beacon)",
    ],
    [
      'a control equal to the outcome',
      '      - outcome: { partner: beacon, series: s }\n        controls:\n          - { partner: beacon, series: s }\n',
      '- { partner: beacon, series: s }',
      'cooperations[0].impact[0].controls[0]: expected a control other than the outcome itself',
    ],
    [
      'a pre-period that ends on or after starts',
      '      - outcome: { partner: beacon, series: s }\n        preperiod: { from: 2026-06-01, to: 2026-10-05 }\n',
      'preperiod:',
      'cooperations[0].impact[0].preperiod.to: expected the pre-period to end before starts',
    ],
    [
      'a series id with a space',
      '      - outcome: { partner: beacon, series: "total enrollments" }\n',
      'outcome:',
      'cooperations[0].impact[0].outcome.series: expected a series id',
    ],
  ])('reports %s with file, line and path', (_name, impact, needle, message) => {
    // Prepare
    const text = withImpact(impact);
    const line = lineOf(text, needle, 'impact:');
    // Act
    const error = configError(text);
    // Assess
    expect(error.message).toContain(`crosslift.config.yaml:${line}: ${message}`);
  });
});
