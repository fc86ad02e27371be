import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors';
import { configSchema, type Config } from './schema';

export const CONFIG_FILE_NAMES = ['crosslift.config.yaml', 'crosslift.config.yml', 'crosslift.config.json'] as const;

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
  const result = configSchema.safeParse(doc.toJS());
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => describeIssue(issue, file, (path) => {
    // Point at the deepest node of the path that exists in the document.
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const node = doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  }));
  throw new ConfigError(`invalid config ${file}:\n${lines.join('\n')}`, { file, problems: lines });
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
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read config ${file}`, { file }, { cause });
  }
  return parseConfig(text, file);
};
