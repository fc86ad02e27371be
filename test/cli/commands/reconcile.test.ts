import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crosslift, EXAMPLE, tempDir } from '../../support/cli';

const CONFIG = readFileSync(join(EXAMPLE, 'crosslift.config.yaml'), 'utf8');
const FOLDER = ['inbox', 'joint-course', 'beacon-academy', 'feedback'];

describe('crosslift reconcile when the bucket was emptied', () => {
  it('keeps the numbers and exits 1 until told --allow-mass-removal, then removes them', async () => {
    // Prepare: 12 files counted by a run, then the local bucket's copy of them deleted behind
    // its back (no events), as a replaced or emptied bucket looks to reconcile.
    const data = tempDir();
    const state = tempDir();
    writeFileSync(join(data, 'crosslift.config.yaml'), CONFIG);
    mkdirSync(join(data, ...FOLDER), { recursive: true });
    for (let i = 0; i < 12; i += 1) {
      writeFileSync(join(data, ...FOLDER, `f-${i}.csv`), `user_id,submitted_at,rating\nu${i},2026-11-20,5\n`);
    }
    const run = await crosslift(['run', '--data', data, '--state', state, '--as-of', '2026-11-23T02:00:00Z']);
    expect(run.code).toBe(0);
    rmSync(join(state, 's3', 'crosslift-local', ...FOLDER), { recursive: true });
    rmSync(join(data, ...FOLDER), { recursive: true });

    // Act
    const rerun = await crosslift([
      'run',
      '--data',
      data,
      '--state',
      state,
      '--as-of',
      '2026-11-23T02:00:00Z',
      '--json',
    ]);
    const rerunText = await crosslift(['run', '--data', data, '--state', state, '--as-of', '2026-11-23T02:00:00Z']);
    const withheld = await crosslift(['reconcile', '--data', data, '--state', state, '--json']);
    const again = await crosslift(['reconcile', '--data', data, '--state', state]);
    const allowed = await crosslift(['reconcile', '--data', data, '--state', state, '--allow-mass-removal']);
    const after = await crosslift(['reconcile', '--data', data, '--state', state]);

    // Assess: `run` reports the withheld removals in its result; `reconcile` exits 1 on them.
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ reconciled: [], withheld: { missing: 12, recorded: 12 } });
    expect(rerunText.stdout).toContain(
      'Reconcile kept the numbers of 12 of 12 recorded files missing from the bucket (crosslift reconcile --allow-mass-removal withdraws them)\n',
    );
    expect(rerunText.stdout).not.toContain('Reconcile repaired');
    expect(withheld.code).toBe(1);
    expect(JSON.parse(withheld.stdout)).toEqual({ repaired: [], withheld: { missing: 12, recorded: 12 } });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      'crosslift reconcile: 12 of 12 recorded files are missing from the bucket; their numbers were kept. ' +
        'If they were deleted on purpose, run again with --allow-mass-removal.\n',
    );
    expect(allowed.code).toBe(0);
    expect(allowed.stdout.trim().split('\n')).toHaveLength(12);
    expect(allowed.stdout).toMatch(
      /^removed_missing +inbox\/joint-course\/beacon-academy\/feedback\/f-0\.csv -> deleted$/m,
    );
    expect(after.code).toBe(0);
    expect(after.stdout).toBe('Nothing to repair: every object in inbox/ has its ingestion record.\n');
  });
});
