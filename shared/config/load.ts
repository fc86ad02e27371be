import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  LineCounter,
  parseDocument,
  isAlias,
  isCollection,
  isNode,
  isPair,
  visit,
  type Alias,
  type Document,
  type Node,
} from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors';
import { configSchema, type Config } from './schema';

export const CONFIG_FILE_NAMES = ['crosslift.config.yaml', 'crosslift.config.yml', 'crosslift.config.json'] as const;

/** A config is a few KiB; anything past this is a mistake or an attack, refused before reading. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/**
 * How far YAML aliases may expand (the yaml package's `maxAliasCount`: uses of an anchor times
 * the aliases inside it). Stops "billion laughs" documents that would take gigabytes to expand.
 */
export const MAX_YAML_ALIAS_COUNT = 100;

/** Finds the config file at the root of a data folder. */
export const findConfigFile = (dir: string): string => {
  for (const name of CONFIG_FILE_NAMES) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  throw new ConfigError(`no config file in ${dir}: expected one of ${CONFIG_FILE_NAMES.join(', ')}`, { dir });
};

const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((out, part) => {
    if (typeof part === 'number') return `${out}[${part}]`;
    return out === '' ? String(part) : `${out}.${String(part)}`;
  }, '');

/**
 * Parses and validates config text. Every problem is reported as
 * `<file>:<line>: <path>: <what was expected>` (line when the source is YAML/JSON text we can map).
 */
export const parseConfig = (text: string, file: string): Config => {
  const lineCounter = new LineCounter();
  // YAML is a superset of JSON, so one parser gives line numbers for both formats.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const line = lineCounter.linePos(first.pos[0]).line;
    throw new ConfigError(`${file}${line ? `:${line}` : ''}: not valid YAML/JSON: ${first.message.split('\n')[0]}`, {
      file,
    });
  }
  const result = configSchema.safeParse(toPlainValue(doc, lineCounter, file));
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) =>
    describeIssue(issue, file, (path) => {
      // Point at the deepest node of the path that exists in the document.
      for (let depth = path.length; depth >= 0; depth -= 1) {
        const node = doc.getIn(path.slice(0, depth), true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    }),
  );
  throw new ConfigError(`invalid config ${file}:\n${lines.join('\n')}`, { file, problems: lines });
};

/** The document as plain data, with YAML alias errors reported as `<file>:<line>: ...`. */
const toPlainValue = (doc: Document, lineCounter: LineCounter, file: string): unknown => {
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const excessive = /excessive alias count/i.test(error.message);
    const line = excessive ? excessiveAliasLine(doc, lineCounter) : unresolvedAliasLine(doc, lineCounter);
    const what = excessive
      ? `YAML aliases expand too far (more than ${MAX_YAML_ALIAS_COUNT} aliased nodes); write the values out instead of nesting aliases`
      : `${error.message.split('\n')[0]}`;
    throw new ConfigError(`${file}${line ? `:${line}` : ''}: ${what}`, { file });
  }
};

const lineOfNode = (node: { range?: [number, number, number] | null }, lineCounter: LineCounter) =>
  node.range ? lineCounter.linePos(node.range[0]).line : undefined;

/**
 * Walks the document once in order, calling `onAlias` with each alias and the node its anchor
 * names (the last one defined before it, as yaml resolves it; undefined when none is) until it
 * returns true. One pass, so a large file with many aliases stays linear.
 */
const findAlias = (doc: Document, onAlias: (alias: Alias, source: Node | undefined) => boolean): Alias | undefined => {
  const anchors = new Map<string, Node>();
  let found: Alias | undefined;
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) {
        if (!onAlias(node, anchors.get(node.source))) return undefined;
        found = node;
        return visit.BREAK;
      }
      if (node.anchor) anchors.set(node.anchor, node);
      return undefined;
    },
  });
  return found;
};

/** The first alias whose anchor was not defined before it. */
const unresolvedAliasLine = (doc: Document, lineCounter: LineCounter): number | undefined => {
  const alias = findAlias(doc, (_alias, source) => source === undefined);
  return alias && lineOfNode(alias, lineCounter);
};

/**
 * The alias at which the yaml package's expansion count passes the limit, found by replaying its
 * rule in document order: an anchor's uses so far (the anchored node itself counting as the
 * first) times the aliases its node expands to.
 */
const excessiveAliasLine = (doc: Document, lineCounter: LineCounter): number | undefined => {
  const uses = new Map<Node, number>();
  const counts = new Map<Node, number>();
  const sources = new Map<Alias, Node | undefined>();
  const countOf = (node: unknown): number => {
    if (isAlias(node)) {
      const source = sources.get(node);
      return source ? (uses.get(source) ?? 1) * (counts.get(source) ?? 0) : 0;
    }
    if (isCollection(node)) return node.items.reduce<number>((max, item) => Math.max(max, countOf(item)), 0);
    if (isPair(node)) return Math.max(countOf(node.key), countOf(node.value));
    return 1;
  };
  const alias = findAlias(doc, (node, source) => {
    sources.set(node, source);
    if (!source) return false;
    uses.set(source, (uses.get(source) ?? 1) + 1);
    if (!counts.has(source)) counts.set(source, countOf(source));
    return uses.get(source)! * counts.get(source)! > MAX_YAML_ALIAS_COUNT;
  });
  return alias && lineOfNode(alias, lineCounter);
};

const describeIssue = (
  issue: z.core.$ZodIssue,
  file: string,
  lineOf: (path: (string | number)[]) => number | undefined,
): string => {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const line = lineOf(path);
  const where = `${file}${line ? `:${line}` : ''}`;
  return `  ${where}: ${formatPath(path) || '(root)'}: ${issue.message}`;
};

export const loadConfigFile = (file: string): Config => {
  let text: string;
  try {
    // Checked before reading: a huge file would take seconds and gigabytes before any check.
    const { size } = statSync(file);
    if (size > MAX_CONFIG_BYTES) {
      throw new ConfigError(
        `${file}: the config file is ${(size / 1024 ** 2).toFixed(1)} MiB; a config may be at most ${MAX_CONFIG_BYTES / 1024 ** 2} MiB`,
        { file, bytes: size },
      );
    }
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    if (cause instanceof ConfigError) throw cause;
    throw new ConfigError(`cannot read config ${file}`, { file }, { cause });
  }
  return parseConfig(text, file);
};
