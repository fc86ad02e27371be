import type { z } from 'zod';
import {
  DECLINE,
  rowPlanOf,
  type CellWrapper,
  type Declined,
  type FastConverter,
  type RangeConverter,
} from '../datasets/fields';
import { unescapeQuotes } from './csv-reader';
import { JsonLineReader } from './json-line';

/** Field `at` of a record handed over in place, through its in-place converter or (doubled quotes) the plain one. */
const cellValue = (
  range: RangeConverter,
  convert: FastConverter,
  text: string,
  cells: readonly number[],
  at: number,
) => {
  const start = cells[2 * at]!;
  return start >= 0
    ? range(text, start, cells[2 * at + 1]!)
    : convert(unescapeQuotes(text, ~start, cells[2 * at + 1]!));
};

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
  /**
   * CSV fields in place, as the CSV reader hands them over: field i lies in
   * text[cells[2i], cells[2i + 1]), its start complemented when its doubled quotes are to be
   * made single (see csv-reader.ts `cellText`). Same result as fromFields on those texts.
   */
  fromCells(text: string, cells: readonly number[]): Row | Declined;
  /**
   * An NDJSON line in place, text[start, end): the row, DECLINE (the line is a JSON object
   * whose values the contract's fast path declines), or NOT_READ when the line is not a flat
   * JSON object the in-place reader takes (json-line.ts); the caller then parses it with
   * JSON.parse. When read, the same result as fromObject(JSON.parse(line)).
   */
  fromJsonLine(text: string, start: number, end: number): Row | Declined | NotRead;
}

/** fromJsonLine's answer for a line it leaves to JSON.parse. */
export const NOT_READ: unique symbol = Symbol('not read');
export type NotRead = typeof NOT_READ;

const declineAll: CompiledRows<never> = {
  fromObject: () => DECLINE,
  fromFields: () => DECLINE,
  fromCells: () => DECLINE,
  fromJsonLine: () => NOT_READ,
};

export interface CompileOptions {
  /**
   * The columns the caller reads (a dataset's `reads`); default: all. A column outside it whose
   * type is an identifier (fields.ts CellWrapper.identifier) is still checked, accepted or
   * declined exactly as its converter would, but in place and without making its value, and it
   * is left out of the row: rows are then zod's output without those keys. An identifier needs
   * no value to be checked (any text that is not blank passes), and the values cost most of a
   * row's allocations (a user id, a course name); a user id given as text is then never copied
   * into a string here (a JSON number still is, by the converter). The row's cross-field check
   * sees the row without those keys too: no check reads an identifier, and the property tests
   * (fast-path-rows.test.ts, "keep") would fail for one that did.
   */
  readonly keep?: readonly string[];
}

/**
 * Compiles `schema` for files with the given CSV header (trimmed names; unused for JSON).
 * A schema without a fast-path plan compiles to readers that always decline (zod does all).
 */
export const compileRows = <Row>(
  schema: z.ZodType<Row>,
  header: readonly string[] = [],
  options: CompileOptions = {},
): CompiledRows<Row> => {
  const plan = rowPlanOf(schema);
  if (plan === undefined) return declineAll;
  const { keys, converters, rangeConverters, wrappers, check } = plan;
  const n = keys.length;
  // Where each key sits in a CSV record; -1 when the header lacks it (the key is then absent).
  const index = keys.map((key) => header.indexOf(key));
  // Columns checked without their value and left out of the row (see CompileOptions.keep).
  const { keep } = options;
  const dropped = keys.map((key, i) => keep !== undefined && !keep.includes(key) && wrappers[i]?.identifier === true);

  // zod keeps a key whose value came out undefined only when the input has that key.
  const finish = (row: Record<string, unknown>): Row | Declined =>
    check !== undefined && check(row) !== undefined ? DECLINE : (row as Row);

  const fromObject = (values: Record<string, unknown>): Row | Declined => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < n; i += 1) {
      const key = keys[i]!;
      const value = (converters[i] as FastConverter)(values[key]);
      if (value === DECLINE) return DECLINE;
      if (!dropped[i] && (value !== undefined || key in values)) row[key] = value;
    }
    return finish(row);
  };
  return {
    fromObject: plainKeys(keys) ? compileObjectReader<Row>(keys, converters, finish, dropped) : fromObject,
    fromJsonLine: plainKeys(keys)
      ? compileJsonLineReader<Row>(keys, converters, rangeConverters, finish, wrappers, dropped)
      : () => NOT_READ,
    fromFields: compileFieldReader(keys, converters, rangeConverters, index, check, false, dropped),
    fromCells: compileFieldReader(keys, converters, rangeConverters, index, check, true, dropped, wrappers),
  };
};

/** Keys that can be written as plain property names in generated code. */
const plainKeys = (keys: readonly string[]) =>
  keys.every((key) => /^[A-Za-z_$][\w$]*$/.test(key) && key !== '__proto__');

/**
 * The JSON object reader, generated as straight-line code: named property reads (one inline
 * cache each) instead of keyed reads in a loop. Same rule as the loop: a key whose value came
 * out undefined is kept only when the object has it (`in`, as zod checks it).
 */
const compileObjectReader = <Row>(
  keys: readonly string[],
  converters: readonly FastConverter[],
  finish: (row: Record<string, unknown>) => Row | Declined,
  dropped: readonly boolean[],
): ((values: Record<string, unknown>) => Row | Declined) => {
  const body = [
    ...keys.map((key, i) => `const v${i} = u${i}(o.${key}); if (v${i} === D) return D;`),
    'const row = {};',
    ...keys.flatMap((key, i) =>
      dropped[i] ? [] : [`if (v${i} !== undefined || ${JSON.stringify(key)} in o) row.${key} = v${i};`],
    ),
    'return finish(row);',
  ];
  const factory = new Function(
    'D',
    'finish',
    ...keys.map((_, i) => `u${i}`),
    `return function fromObject(o) {\n${body.join('\n')}\n};`,
  );
  return factory(DECLINE, finish, ...converters) as (values: Record<string, unknown>) => Row | Declined;
};

/**
 * The NDJSON line reader: json-line.ts finds each key's value in place, then generated
 * straight-line code converts them as compileObjectReader converts the parsed object's values
 * (a string through the in-place converter on its range, which equals the converter on the
 * string), with the same rule for keys whose value came out undefined.
 */
const compileJsonLineReader = <Row>(
  keys: readonly string[],
  converters: readonly FastConverter[],
  ranges: readonly RangeConverter[],
  finish: (row: Record<string, unknown>) => Row | Declined,
  wrappers: readonly (CellWrapper | undefined)[],
  dropped: readonly boolean[],
): ((text: string, start: number, end: number) => Row | Declined | NotRead) => {
  const reader = new JsonLineReader(keys);
  // kinds: 0 absent, 1 string (its range), 2 number, 3 true, 4 false, 5 null (json-line.ts JsonKind).
  const value = (i: number) => {
    const plainValue = `k${i} === 0 ? undefined : k${i} === 2 ? N[${i}] : k${i} === 3 ? true : k${i} === 4 ? false : null`;
    if (wrappers[i] === undefined)
      return `const v${i} = k${i} === 1 ? r${i}(t, A[${i}], B[${i}]) : u${i}(${plainValue});`;
    // required / optional written out (fields.ts CellWrapper), as for CSV cells; a dropped
    // identifier starting with a printable character passes without being sliced.
    const empty = wrappers[i]!.empty === undefined ? 'undefined' : 'D';
    const solid = dropped[i] ? 'true' : `w${i}(t, a, b)`;
    return (
      `let v${i}; if (k${i} === 1) { const a = A[${i}], b = B[${i}]; if (a === b) v${i} = ${empty}; ` +
      `else { const f = t.charCodeAt(a); v${i} = f > 32 && f < 127 ? ${solid} : u${i}(t.slice(a, b)); } } ` +
      `else if (k${i} === 0 || k${i} === 5) v${i} = ${empty}; else v${i} = p${i}(k${i} === 2 ? N[${i}] : k${i} === 3);`
    );
  };
  const body = [
    'if (!R.read(t, s, e)) return NR;',
    'const K = R.kinds, A = R.starts, B = R.ends, N = R.numbers;',
    ...keys.map((_, i) => `const k${i} = K[${i}]; ${value(i)} if (v${i} === D) return D;`),
    'const row = {};',
    ...keys.flatMap((key, i) => (dropped[i] ? [] : [`if (v${i} !== undefined || k${i} !== 0) row.${key} = v${i};`])),
    'return finish(row);',
  ];
  // Code from the schema's own keys (checked to be plain identifiers), never from file content.
  const factory = new Function(
    'D',
    'NR',
    'R',
    'finish',
    ...keys.map((_, i) => `u${i}`),
    ...keys.map((_, i) => `r${i}`),
    ...keys.map((_, i) => `w${i}`),
    ...keys.map((_, i) => `p${i}`),
    `return function fromJsonLine(t, s, e) {\n${body.join('\n')}\n};`,
  );
  return factory(
    DECLINE,
    NOT_READ,
    reader,
    finish,
    ...converters,
    ...ranges,
    ...keys.map((_, i) => wrappers[i]?.inner),
    ...keys.map((_, i) => wrappers[i]?.plain),
  ) as (text: string, start: number, end: number) => Row | Declined | NotRead;
};

/**
 * The CSV reader of one header, generated as straight-line code: one direct call per column
 * and the row as an object literal (one shape for every row of the file). Same result as the
 * loop of fromObject over {header[i]: fields[i]}: a key whose column the header lacks is left
 * out (its converter sees undefined), a key whose column is there is kept even when undefined.
 */
const compileFieldReader = <Row>(
  keys: readonly string[],
  fast: readonly FastConverter[],
  ranges: readonly RangeConverter[],
  index: readonly number[],
  check: ((row: Record<string, unknown>) => unknown) | undefined,
  inPlace: boolean,
  dropped: readonly boolean[],
  wrappers: readonly (CellWrapper | undefined)[] = [],
): ((a: any, b?: any) => Row | Declined) => {
  const finish = (row: Record<string, unknown>) =>
    check !== undefined && check(row) !== undefined ? DECLINE : (row as Row);
  if (!plainKeys(keys)) {
    // The general loop, for keys that are not plain identifiers.
    return (a: any, b?: any) => {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i += 1) {
        const at = index[i]!;
        const value =
          at < 0
            ? fast[i]!(undefined)
            : inPlace
              ? cellValue(ranges[i]!, fast[i]!, a as string, b as number[], at)
              : fast[i]!((a as string[])[at]);
        if (value === DECLINE) return DECLINE;
        if (!dropped[i] && (value !== undefined || at >= 0)) row[keys[i]!] = value;
      }
      return finish(row);
    };
  }
  // Column i reaches its converter as the field itself, as the text and the field's range (its
  // unescaped text when it holds doubled quotes), or (a column the header lacks) as undefined,
  // through the plain converter.
  const call = (i: number) => {
    const at = index[i]!;
    if (at < 0) return `const v${i} = u${i}(undefined);`;
    if (!inPlace) return `const v${i} = u${i}(f[${at}]);`;
    const head = `const s${i} = c[${2 * at}], e${i} = c[${2 * at + 1}];`;
    const escaped = `u${i}(q(t, ~s${i}, e${i}))`;
    if (wrappers[i] === undefined) return `${head} const v${i} = s${i} >= 0 ? r${i}(t, s${i}, e${i}) : ${escaped};`;
    // required / optional written out (fields.ts CellWrapper): empty, in place, or sliced. A
    // quoted cell with doubled quotes whose ends are printable (its unescaped text's ends are
    // the same characters) is an identifier as it stands: no trim that would read into it.
    const empty = wrappers[i]!.empty === undefined ? 'undefined' : 'D';
    if (dropped[i]) {
      // An identifier nothing keeps: a cell with doubled quotes holds a quote, so it is not
      // blank; one starting with a printable character is not either; the rest (rare) is sliced
      // for the wrapper's own verdict. `true` stands for "accepted": the value is never kept.
      return (
        `${head} let v${i}; if (s${i} < 0) v${i} = true; else if (s${i} === e${i}) v${i} = ${empty}; ` +
        `else { const f = t.charCodeAt(s${i}); v${i} = f > 32 && f < 127 ? true : u${i}(t.slice(s${i}, e${i})); }`
      );
    }
    const unescaped = wrappers[i]!.identifier
      ? `{ const a = ~s${i}, f = t.charCodeAt(a), g = t.charCodeAt(e${i} - 1); v${i} = f > 32 && f < 127 && g > 32 && g < 127 ? q(t, a, e${i}) : ${escaped}; }`
      : `v${i} = ${escaped};`;
    return (
      `${head} let v${i}; if (s${i} < 0) ${unescaped} else if (s${i} === e${i}) v${i} = ${empty}; ` +
      `else { const f = t.charCodeAt(s${i}); v${i} = f > 32 && f < 127 ? w${i}(t, s${i}, e${i}) : u${i}(t.slice(s${i}, e${i})); }`
    );
  };
  const calls = keys.map((_, i) => `${call(i)} if (v${i} === D) return D;`);
  const present = keys.flatMap((key, i) => (index[i]! >= 0 && !dropped[i] ? [`${key}: v${i}`] : []));
  const absent = keys.flatMap((key, i) =>
    index[i]! < 0 && !dropped[i] ? [`if (v${i} !== undefined) row.${key} = v${i};`] : [],
  );
  const body = [...calls, `const row = {${present.join(', ')}};`, ...absent, 'return finish(row);'];
  // Code from the schema's own keys (checked to be plain identifiers above), never from file content.
  const factory = new Function(
    'D',
    'finish',
    'q',
    ...keys.map((_, i) => `u${i}`),
    ...keys.map((_, i) => `r${i}`),
    ...keys.map((_, i) => `w${i}`),
    `return function ${inPlace ? 'fromCells(t, c)' : 'fromFields(f)'} {\n${body.join('\n')}\n};`,
  );
  return factory(DECLINE, finish, unescapeQuotes, ...fast, ...ranges, ...keys.map((_, i) => wrappers[i]?.inner)) as (
    a: any,
    b?: any,
  ) => Row | Declined;
};
