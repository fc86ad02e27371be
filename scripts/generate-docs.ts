/** Regenerates the docs that are derived from code: the data contract and the config JSON Schema. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDataContract } from '../shared/datasets/contract-doc';
import { renderConfigJsonSchema } from '../shared/config/json-schema';

const root = join(import.meta.dirname, '..');
writeFileSync(join(root, 'docs', 'data-contract.md'), renderDataContract());
writeFileSync(join(root, 'crosslift.schema.json'), renderConfigJsonSchema());
console.log('docs/data-contract.md and crosslift.schema.json written');
