import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConfigJsonSchema } from '../../shared/config/json-schema';
import { renderDataContract, schemaColumns } from '../../shared/datasets/contract-doc';
import { DATASETS } from '../../shared/datasets/definitions';
import { DATASET_NAMES } from '../../shared/datasets/names';
import { renderMetricTable } from '../../shared/report/metrics-doc';
import { DayResolver } from '../../shared/time/days';

const root = join(import.meta.dirname, '..', '..');

describe('generated docs', () => {
  it('crosslift.schema.json matches the config schema (run `npm run docs` after changing it)', () => {
    expect(readFileSync(join(root, 'crosslift.schema.json'), 'utf8')).toBe(renderConfigJsonSchema());
  });

  it('docs/data-contract.md matches the dataset definitions (run `npm run docs` after changing them)', () => {
    expect(readFileSync(join(root, 'docs', 'data-contract.md'), 'utf8')).toBe(renderDataContract());
  });

  it('docs/metrics.md carries the metric table of the registry (run `npm run docs` after changing it)', () => {
    expect(readFileSync(join(root, 'docs', 'metrics.md'), 'utf8')).toContain(renderMetricTable());
  });

  it.each(DATASET_NAMES)(
    'documents exactly the columns of the %s row schema, with the right required flags',
    (name) => {
      // Prepare
      const definition = DATASETS[name];
      const schema = definition.rowSchema({ resolver: new DayResolver('UTC'), currency: 'CNY' });

      // Act: an empty row makes the schema name every required column it has.
      const result = schema.safeParse({});
      const flagged = new Set(result.success ? [] : result.error.issues.map((i) => String(i.path[0])));

      // Assess
      expect(definition.columns.map((c) => c.name)).toEqual(schemaColumns(definition));
      expect(
        definition.columns
          .filter((c) => c.required)
          .map((c) => c.name)
          .sort(),
      ).toEqual([...flagged].sort());
    },
  );
});
