import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE_NAMES, findConfigFile, loadConfigFile } from '../../shared/config/load';
import type { Config } from '../../shared/config/schema';
import { checkReadable } from '../checks';
import { UsageError, writeJson, writeResult } from '../output';
import { formatRunSummary } from '../print';
import { createProgress, ingestProgress } from '../progress';
import type { RunProgress, RunResult } from '../run';

/** What the commands on the embedded stack share: a data folder with its config. */
export const loadDataFolder = (dir: string): Config => {
  checkReadable(dir, 'folder');
  if (!CONFIG_FILE_NAMES.some((name) => existsSync(join(dir, name)))) {
    throw new UsageError(`no config file in ${dir}: expected one of ${CONFIG_FILE_NAMES.join(', ')}`);
  }
  return loadConfigFile(findConfigFile(dir));
};

/** A cooperation of the config by id, or a usage error naming the ones it has. */
export const cooperationOf = (config: Config, id: string) => {
  const cooperation = config.cooperations.find((c) => c.id === id);
  if (!cooperation) {
    throw new UsageError(
      `unknown cooperation "${id}": the config has ${config.cooperations.map((c) => c.id).join(', ')}`,
    );
  }
  return cooperation;
};

export const logLevel = (verbose: boolean | undefined) => (verbose ? 'INFO' : 'ERROR') as 'INFO' | 'ERROR';

/** `run` and `report` print the same result: one JSON document, or the readable summary. */
export const printRunResult = (result: RunResult, json: boolean | undefined, config: Config) => {
  if (json) {
    const { deadLetters: _dead, ...document } = result;
    writeJson(document);
    return;
  }
  const currencyOf = (id: string) => config.cooperations.find((c) => c.id === id)?.currency ?? 'CNY';
  writeResult(`${formatRunSummary(result, currencyOf)}\n`);
};

/** The status line of `run` and `report` on a terminal: files ingested, rows, rows/s, current step. */
export const runProgress = (): RunProgress & { done(): void } => {
  const progress = createProgress();
  const ingest = ingestProgress(progress);
  return { onIngested: ingest.ingested, onStep: (text) => progress.update(text), done: () => progress.done() };
};

/**
 * Ctrl-C during a run ends the process through process.exit, so the 'exit' handlers run (the
 * embedded stack's temp folder of raw data is removed there) instead of dying mid-way.
 */
export const exitOnInterrupt = () => {
  const stop = (signal: NodeJS.Signals) => {
    process.stderr.write(`\ncrosslift: stopped by ${signal}\n`);
    process.exit(130);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
};
