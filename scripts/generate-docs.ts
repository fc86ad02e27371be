/** Regenerates the docs that are derived from code: the data contract and the config JSON Schema. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDataContract } from '../shared/datasets/contract-doc';
import { renderConfigJsonSchema } from '../shared/config/json-schema';
import { withMetricTable } from '../shared/report/metrics-doc';

const root = join(import.meta.dirname, '..');
writeFileSync(join(root, 'docs', 'data-contract.md'), renderDataContract());
writeFileSync(join(root, 'crosslift.schema.json'), renderConfigJsonSchema());
const metricsDoc = join(root, 'docs', 'metrics.md');
writeFileSync(metricsDoc, withMetricTable(readFileSync(metricsDoc, 'utf8')));
console.log('docs/data-contract.md, docs/metrics.md (metric table) and crosslift.schema.json written');
