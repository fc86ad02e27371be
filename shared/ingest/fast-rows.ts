import type { z } from 'zod';
import { DECLINE, rowPlanOf, type Declined, type FastConverter } from '../datasets/fields';

export { DECLINE, type Declined } from '../datasets/fields';

/**
 * A dataset's row contract compiled to plain JS (the fast path). Each reader returns exactly
 * what `schema.safeParse(values).data` returns for the same row, or DECLINE when any column
 * or cross-field check fails; the caller then runs zod on that row for the exact messages.
 */
export interface CompiledRows<Row> {
  /** A JSON object (NDJSON line or array element). */
  fromObject(values: Record<string, unknown>): Row | Declined;
  /** CSV fields, read as the object {header[i]: fields[i]} would be. */
  fromFields(fields: readonly string[]): Row | Declined;
}

const declineAll: CompiledRows<never> = { fromObject: () => DECLINE, fromFields: () => DECLINE };

/**
 * Compiles `schema` for files with the given CSV header (trimmed names; unused for JSON).
 * A schema without a fast-path plan compiles to readers that always decline (zod does all).
 */
export const compileRows = <Row>(schema: z.ZodType<Row>, header: readonly string[] = []): CompiledRows<Row> => {
  const plan = rowPlanOf(schema);
  if (plan === undefined) return declineAll;
  const { keys, converters, check } = plan;
  const n = keys.length;
  // Where each key sits in a CSV record; -1 when the header lacks it (the key is then absent).
  const index = keys.map((key) => header.indexOf(key));

  // zod keeps a key whose value came out undefined only when the input has that key.
  const finish = (row: Record<string, unknown>): Row | Declined =>
    check !== undefined && check(row) !== undefined ? DECLINE : (row as Row);

  return {
    fromObject(values) {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < n; i += 1) {
        const key = keys[i]!;
        const value = (converters[i] as FastConverter)(values[key]);
        if (value === DECLINE) return DECLINE;
        if (value !== undefined || key in values) row[key] = value;
      }
      return finish(row);
    },
    fromFields(fields) {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < n; i += 1) {
        const at = index[i]!;
        const value = (converters[i] as FastConverter)(at < 0 ? undefined : fields[at]);
        if (value === DECLINE) return DECLINE;
        if (value !== undefined || at >= 0) row[keys[i]!] = value;
      }
      return finish(row);
    },
  };
};
