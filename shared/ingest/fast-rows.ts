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
    fromFields: compileFieldReader(keys, converters, index, check),
  };
};

/**
 * The CSV reader of one header, generated as straight-line code: one direct call per column
 * and the row as an object literal (one shape for every row of the file). Same result as the
 * loop of fromObject over {header[i]: fields[i]}: a key whose column the header lacks is left
 * out (its converter sees undefined), a key whose column is there is kept even when undefined.
 */
const compileFieldReader = <Row>(
  keys: readonly string[],
  converters: readonly FastConverter[],
  index: readonly number[],
  check: ((row: Record<string, unknown>) => unknown) | undefined,
): ((fields: readonly string[]) => Row | Declined) => {
  if (!keys.every((key) => /^[A-Za-z_$][\w$]*$/.test(key) && key !== '__proto__')) {
    return (fields) => {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i += 1) {
        const at = index[i]!;
        const value = converters[i]!(at < 0 ? undefined : fields[at]);
        if (value === DECLINE) return DECLINE;
        if (value !== undefined || at >= 0) row[keys[i]!] = value;
      }
      return check !== undefined && check(row) !== undefined ? DECLINE : (row as Row);
    };
  }
  const calls = keys.map((_, i) => `const v${i} = c${i}(${index[i]! < 0 ? 'undefined' : `f[${index[i]}]`}); if (v${i} === D) return D;`);
  const present = keys.flatMap((key, i) => (index[i]! >= 0 ? [`${key}: v${i}`] : []));
  const absent = keys.flatMap((key, i) => (index[i]! < 0 ? [`if (v${i} !== undefined) row.${key} = v${i};`] : []));
  const body = [...calls, `const row = {${present.join(', ')}};`, ...absent, 'return check !== undefined && check(row) !== undefined ? D : row;'];
  const names = converters.map((_, i) => `c${i}`);
  // Code from the schema's own keys (checked to be plain identifiers above), never from file content.
  const factory = new Function('D', 'check', ...names, `return function fromFields(f) {\n${body.join('\n')}\n};`);
  return factory(DECLINE, check, ...converters) as (fields: readonly string[]) => Row | Declined;
};
