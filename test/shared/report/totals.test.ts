import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activeGenerations, sumAggregates } from '../../../shared/report/totals';
import type { DayAggregate } from '../../../shared/storage/day-aggregates';
import { aggregate, fileRecord } from './fixtures';

const fileIdOf = (key: string) => `id:${key}`;

describe('activeGenerations', () => {
  it('maps each accepted or partial file, and a failed re-read that keeps its previous version, to its generation; skips everything else', () => {
    // Prepare
    const records = [
      fileRecord({ key: 'a.csv', status: 'accepted', generation: 'g2' }),
      fileRecord({ key: 'b.csv', status: 'partial', generation: 'g7' }),
      fileRecord({ key: 'c.csv', status: 'rejected' }),
      fileRecord({ key: 'd.csv', status: 'duplicate', generation: 'g1', duplicateOf: 'a.csv' }),
      fileRecord({ key: 'e.csv', status: 'deleted', generation: 'g1' }),
      fileRecord({ key: 'f.csv', status: 'failed', generation: 'g1' }),
      fileRecord({ key: 'g.csv', status: 'accepted' }),
    ];
    // Act
    const active = activeGenerations(records, fileIdOf);
    // Assess
    expect([...active]).toEqual([
      ['id:a.csv', 'g2'],
      ['id:b.csv', 'g7'],
      ['id:f.csv', 'g1'],
    ]);
  });
});

describe('sumAggregates', () => {
  it('sums only the active generation of each file, between the days inclusive, per day and in total', () => {
    // Prepare
    const active = new Map([
      ['id:a.csv', 'g2'],
      ['id:b.csv', 'g1'],
    ]);
    const aggregates: DayAggregate[] = [
      aggregate({ day: '2026-11-09', fileId: 'id:a.csv', generation: 'g2', m: { rows: 3, enrollments: 3 } }),
      aggregate({ day: '2026-11-09', fileId: 'id:a.csv', generation: 'g1', m: { rows: 100, enrollments: 100 } }), // stale
      aggregate({
        day: '2026-11-09',
        fileId: 'id:b.csv',
        generation: 'g1',
        partnerId: 'school',
        m: { rows: 2, enrollments: 1, refunded: 1 },
      }),
      aggregate({ day: '2026-11-15', fileId: 'id:a.csv', generation: 'g2', m: { rows: 1, enrollments: 1 } }),
      aggregate({ day: '2026-11-16', fileId: 'id:a.csv', generation: 'g2', m: { rows: 50, enrollments: 50 } }), // after
      aggregate({ day: '2026-11-08', fileId: 'id:a.csv', generation: 'g2', m: { rows: 50, enrollments: 50 } }), // before
      aggregate({ day: '2026-11-10', fileId: 'id:z.csv', generation: 'g1', m: { rows: 9, enrollments: 9 } }), // not counted
      aggregate({
        day: '2026-11-10',
        fileId: 'id:b.csv',
        generation: 'g1',
        dataset: 'feedback',
        partnerId: 'school',
        m: { rows: 4, rating: 18 },
      }),
    ];
    // Act
    const totals = sumAggregates(aggregates, active, '2026-11-09', '2026-11-15');
    // Assess
    const enrollments = totals.get('enrollments')!;
    expect(enrollments.totals).toEqual({ rows: 6, enrollments: 5, refunded: 1 });
    expect(Object.fromEntries(enrollments.days)).toEqual({
      '2026-11-09': { rows: 5, enrollments: 4, refunded: 1 },
      '2026-11-15': { rows: 1, enrollments: 1 },
    });
    expect([...enrollments.partners].sort()).toEqual(['platform', 'school']);
    expect(totals.get('feedback')!.totals).toEqual({ rows: 4, rating: 18 });
    expect([...totals.keys()].sort()).toEqual(['enrollments', 'feedback']);
  });

  it('gives nothing when no generation is active', () => {
    // Prepare
    const aggregates = [aggregate({ day: '2026-11-09', fileId: 'id:a.csv', generation: 'g1', m: { rows: 1 } })];
    // Act
    const totals = sumAggregates(aggregates, new Map(), '2026-11-01', '2026-11-30');
    // Assess
    expect(totals.size).toBe(0);
  });

  it('equals a direct filter-and-sum over the aggregates (property)', () => {
    const aggArb = fc.record({
      day: fc.integer({ min: 1, max: 20 }).map((d) => `2026-11-${String(d).padStart(2, '0')}`),
      file: fc.constantFrom('a', 'b', 'c'),
      generation: fc.constantFrom('g1', 'g2'),
      rows: fc.nat(100),
    });
    fc.assert(
      fc.property(
        fc.array(aggArb, { maxLength: 40 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 10 }),
        (items, from, length) => {
          // Prepare: a and b are counted at g2; c at g1
          const active = new Map([
            ['a', 'g2'],
            ['b', 'g2'],
            ['c', 'g1'],
          ]);
          const fromDay = `2026-11-${String(from).padStart(2, '0')}`;
          const toDay = `2026-11-${String(Math.min(from + length, 30)).padStart(2, '0')}`;
          const counted = items.filter(
            (i) => i.day >= fromDay && i.day <= toDay && active.get(i.file) === i.generation,
          );
          const expected = counted.reduce((s, i) => s + i.rows, 0);
          const aggregates = items.map((i) =>
            aggregate({ day: i.day, fileId: i.file, generation: i.generation, m: { rows: i.rows } }),
          );
          // Act
          const totals = sumAggregates(aggregates, active, fromDay, toDay);
          // Assess
          expect(totals.get('enrollments')?.totals.rows).toBe(counted.length > 0 ? expected : undefined);
          expect(totals.get('enrollments')?.days.size ?? 0).toBe(new Set(counted.map((i) => i.day)).size);
        },
      ),
      { numRuns: 200 },
    );
  });
});
