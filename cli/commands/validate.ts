import { readdirSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { Config } from '../../shared/config/schema';
import { DATASET_NAMES, isDatasetName, type DatasetName } from '../../shared/datasets/names';
import { FILE_EXTENSIONS, fileKindOf } from '../../shared/ingest/formats';
import { rowErrorLocation, type RowError } from '../../shared/ingest/rejection';
import { checkCurrency, checkReadable, checkTimezone } from '../checks';
import { UsageError, writeJson, writeLog, writeResult } from '../output';
import { validateFile, type ValidateResult } from '../validate';

export interface ValidateFlags {
  readonly dataset?: string;
  readonly timezone?: string;
  readonly currency?: string;
  readonly config?: string;
  readonly json?: boolean;
}

/** What the ingest assumes when nothing else says (the config schema's defaults). */
const DEFAULTS = {
  timezone: 'UTC',
  currency: 'CNY',
  maxUncompressedBytes: 2 * 1024 ** 3,
  maxRejectedShare: 0.05,
} as const;

/** One file's verdict, with the settings it was checked with. */
export interface FileVerdict extends Omit<ValidateResult, 'dataset'> {
  readonly dataset: string;
  readonly timezone: string;
  readonly currency: string;
  /** From the path inbox/<cooperation>/<partner>/<dataset>/<file>, when laid out so. */
  readonly cooperation?: string;
  readonly partner?: string;
}

interface Layout {
  /** The object key the file would have: inbox/<cooperation>/<partner>/<dataset>/<file>. */
  readonly key: string;
  readonly cooperation: string;
  readonly partner: string;
  readonly dataset: string;
}

/** The drop layout of a path, when its last five segments are inbox/<cooperation>/<partner>/<dataset>/<file>. */
export const layoutOf = (path: string): Layout | undefined => {
  const parts = resolve(path).split(sep).slice(-5);
  if (parts.length !== 5 || parts[0] !== 'inbox') return undefined;
  const [, cooperation, partner, dataset] = parts as [string, string, string, string, string];
  return { key: parts.join('/'), cooperation, partner, dataset };
};

/** The data files under a folder (by extension), sorted; the count of other files is returned too. */
const filesUnder = (dir: string): { files: string[]; skipped: number } => {
  const files: string[] = [];
  let skipped = 0;
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      if (name.startsWith('.')) continue;
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (fileKindOf(name)) files.push(path);
      else skipped += 1;
    }
  };
  walk(dir);
  return { files, skipped };
};

const rejectedVerdict = (
  file: string,
  dataset: string,
  settings: { timezone: string; currency: string },
  reason: string,
  layout?: Layout,
): FileVerdict => ({
  file,
  dataset,
  ...settings,
  ...(layout ? { cooperation: layout.cooperation, partner: layout.partner } : {}),
  status: 'rejected',
  rows: 0,
  acceptedRows: 0,
  rejectedRows: 0,
  reason,
  errors: [{ reason }],
  days: [],
});

const where = (e: RowError) => rowErrorLocation(e) || 'file';

const formatVerdict = (v: FileVerdict, withDays: boolean): string => {
  const out = [
    `${v.file}: ${v.status} (${v.acceptedRows} of ${v.rows} rows taken)${v.reason ? `: ${v.reason}` : ''}  [${v.dataset}, ${v.timezone}, ${v.currency}]`,
  ];
  if (!v.reason || v.errors.length > 1 || v.errors[0]?.reason !== v.reason) {
    for (const e of v.errors.slice(0, 20)) out.push(`  ${where(e)}: ${e.reason}`);
    if (v.errors.length > 20) out.push(`  ... and ${v.errors.length - 20} more (--json lists up to 100)`);
  }
  if (v.days.length) {
    out.push(
      `  would ingest ${v.days.length} day(s), ${v.days[0]!.day} to ${v.days.at(-1)!.day}${withDays ? ':' : ''}`,
    );
    if (withDays) {
      for (const d of v.days.slice(0, 31)) {
        out.push(
          `    ${d.day}  ${Object.entries(d.totals)
            .map(([k, n]) => `${k}=${Number(n.toFixed(4))}`)
            .join(' ')}`,
        );
      }
      if (v.days.length > 31) out.push(`    ... and ${v.days.length - 31} more days (--json lists them all)`);
    }
  }
  return out.join('\n');
};

/**
 * `crosslift validate PATH...`: each file (a folder is searched for data files) is checked with
 * the ingest's own parse and validation, no storage involved. Exit 0 when every file would be
 * taken whole, 1 when any file or row would be rejected.
 */
export const validateCommand = async (paths: readonly string[], flags: ValidateFlags): Promise<number> => {
  if (flags.dataset !== undefined && !isDatasetName(flags.dataset)) {
    throw new UsageError(`--dataset expects one of ${DATASET_NAMES.join(', ')}, not "${flags.dataset}"`);
  }
  const timezone = flags.timezone === undefined ? DEFAULTS.timezone : checkTimezone(flags.timezone);
  const currency = flags.currency === undefined ? DEFAULTS.currency : checkCurrency(flags.currency);

  let config: Config | undefined;
  let configFile: string | undefined;
  if (flags.config !== undefined) {
    const kind = checkReadable(flags.config, 'file or folder');
    // Loaded only when asked for: the YAML parser and the config schema are not needed otherwise.
    const { findConfigFile, loadConfigFile } = await import('../../shared/config/load');
    configFile = kind === 'folder' ? findConfigFile(flags.config) : flags.config;
    config = loadConfigFile(configFile);
  }
  const limits = {
    maxUncompressedBytes: config?.ingest.maxUncompressedBytes ?? DEFAULTS.maxUncompressedBytes,
    maxRejectedShare: config?.ingest.maxRejectedShare ?? DEFAULTS.maxRejectedShare,
  };

  // Every path first, so that a typo stops the command before any work (exit 2).
  const files: string[] = [];
  let skipped = 0;
  for (const path of paths) {
    if (checkReadable(path, 'file or folder') === 'folder') {
      const found = filesUnder(path);
      if (found.files.length === 0) {
        throw new UsageError(`no data files (${FILE_EXTENSIONS.join(', ')}) in ${path}`);
      }
      files.push(...found.files);
      skipped += found.skipped;
    } else {
      files.push(path);
    }
  }

  // The dataset of each file: from its drop layout, else --dataset, else a folder named after one.
  const plans = files.map((file) => {
    const layout = layoutOf(file);
    const parent = resolve(file).split(sep).at(-2) ?? '';
    if (layout && flags.dataset && isDatasetName(layout.dataset) && layout.dataset !== flags.dataset) {
      throw new UsageError(
        `${file} is laid out as dataset ${layout.dataset}, but --dataset ${flags.dataset} was given`,
      );
    }
    const dataset = layout?.dataset ?? flags.dataset ?? (isDatasetName(parent) ? parent : undefined);
    if (dataset === undefined) {
      throw new UsageError(
        `cannot tell the dataset of ${file}: give --dataset (${DATASET_NAMES.join(', ')}), or lay files out as inbox/<cooperation>/<partner>/<dataset>/`,
      );
    }
    return { file, layout, dataset };
  });

  const settings = {
    timezone,
    timezoneFrom: flags.timezone === undefined ? 'default' : '--timezone',
    currency,
    currencyFrom: flags.currency === undefined ? 'default' : '--currency',
    config: configFile ?? null,
  };
  if (!flags.json) {
    const used = `timezone ${timezone} (${settings.timezoneFrom}), currency ${currency} (${settings.currencyFrom})`;
    writeLog(
      configFile
        ? `crosslift validate: files under inbox/<cooperation>/ use that cooperation's timezone and currency from ${configFile}; other files: ${used}`
        : `crosslift validate: ${used}${flags.timezone === undefined || flags.currency === undefined ? '; set them with --timezone, --currency or --config' : ''}`,
    );
    if (skipped > 0)
      writeLog(`crosslift validate: skipped ${skipped} file(s) that are not ${FILE_EXTENSIONS.join(', ')}`);
  }

  const verdicts: FileVerdict[] = [];
  for (const { file, layout, dataset } of plans) {
    let verdict: FileVerdict;
    let fileSettings = { timezone, currency };
    const routed =
      config && layout ? (await import('../../shared/ingest/keys')).parseDropKey(layout.key, config) : undefined;
    if (routed?.ok)
      fileSettings = { timezone: routed.drop.cooperation.timezone, currency: routed.drop.cooperation.currency };
    if (routed && !routed.ok) {
      // What the ingest does with a key it cannot route: the file is rejected whole.
      verdict = rejectedVerdict(file, dataset, fileSettings, routed.reason, layout);
    } else if (!isDatasetName(dataset)) {
      verdict = rejectedVerdict(
        file,
        dataset,
        fileSettings,
        `unknown dataset "${dataset}" (expected one of ${DATASET_NAMES.join(', ')})`,
        layout,
      );
    } else if (!fileKindOf(file)) {
      verdict = rejectedVerdict(
        file,
        dataset,
        fileSettings,
        `unsupported file type: expected one of ${FILE_EXTENSIONS.join(', ')}`,
        layout,
      );
    } else {
      const result = await validateFile({ file, dataset: dataset as DatasetName, ...fileSettings, ...limits });
      verdict = {
        ...result,
        ...fileSettings,
        ...(layout ? { cooperation: layout.cooperation, partner: layout.partner } : {}),
      };
    }
    verdicts.push(verdict);
    if (!flags.json) writeResult(`${formatVerdict(verdict, plans.length === 1)}\n`);
  }

  const count = (status: string) => verdicts.filter((v) => v.status === status).length;
  const summary = {
    files: verdicts.length,
    accepted: count('accepted'),
    partial: count('partial'),
    rejected: count('rejected'),
  };
  if (flags.json) writeJson({ settings, files: verdicts, summary });
  else if (verdicts.length > 1) {
    writeResult(
      `${summary.files} files: ${summary.accepted} accepted, ${summary.partial} partial, ${summary.rejected} rejected\n`,
    );
  }
  // A partly rejected file still loses rows: a partner's pre-upload check fails on it.
  return summary.accepted === summary.files ? 0 : 1;
};
