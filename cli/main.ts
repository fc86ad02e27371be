import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { renderConfigJsonSchema } from '../shared/config/json-schema';
import { isDatasetName, DATASET_NAMES } from '../shared/datasets/names';
import { CrossliftError } from '../shared/errors';
import { evaluateEffectModel, effectModelInputSchema } from '../shared/report/effect-model';
import { CROSSLIFT_VERSION } from '../shared/version';
import { formatRunSummary } from './print';
import { reconcileLocal, runLocal, type RunResult } from './run';
import type { Config } from '../shared/config/schema';
import { startDev } from './dev';
import { periodRange } from '../shared/time/periods';
import { validateFile } from './validate';
import { findConfigFile, loadConfigFile } from '../shared/config/load';

const USAGE = `crosslift ${CROSSLIFT_VERSION}: effect reports for cross-over partnerships

Usage:
  crosslift run --data DIR [--as-of ISO_DATE_TIME] [--backfill] [--out DIR] [--state DIR] [--json] [--verbose]
      Start the embedded AWS stack, ingest DIR/inbox/**, fire the schedules, print the reports.
  crosslift dev --data DIR [--state DIR] [--no-seed] [--s3-port N] [--ses-port N] [--dynamodb-port N]
      Keep the embedded stack running as a sandbox: ingest uploads as they arrive, fire schedules on their cron.
  crosslift report --data DIR --cooperation ID (--period LABEL | --from LABEL --to LABEL) [--state DIR] [--out DIR] [--json]
      Recompute and store reports for past periods (labels like 2026-W46 or 2026-11).
  crosslift reconcile --data DIR --state DIR [--json]
      Compare the local bucket's inbox/ with the ingestion records and ingest what was missed.
  crosslift validate FILE --dataset NAME [--timezone TZ] [--currency CODE] [--json]
      Check a file before uploading it (exit 0 when it would be accepted, 1 when not).
  crosslift model --input FILE.json [--json]
      Evaluate the cross-over effect model from given inputs.
  crosslift schema [--out FILE]
      Print the JSON Schema of crosslift.config.yaml.
`;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `run` and `report` print the same result: one JSON document, or the readable summary. */
const printRunResult = (result: RunResult, json: boolean | undefined, config: Config) => {
  if (json) {
    const { deadLetters: _dead, ...document } = result;
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return;
  }
  const currencyOf = (id: string) => config.cooperations.find((c) => c.id === id)?.currency ?? 'CNY';
  process.stdout.write(`${formatRunSummary(result, currencyOf)}\n`);
};

const logLevel = (verbose: boolean | undefined) => (verbose ? 'INFO' : 'ERROR') as 'INFO' | 'ERROR';

const commands: Record<string, (args: string[]) => Promise<number>> = {
  run: async (args) => {
    const { values } = parseArgs({
      args,
      options: {
        data: { type: 'string' },
        'as-of': { type: 'string' },
        backfill: { type: 'boolean' },
        out: { type: 'string' },
        state: { type: 'string' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean' },
      },
    });
    if (!values.data) throw new UsageError('run needs --data DIR');
    if (values['as-of'] !== undefined && Number.isNaN(Date.parse(values['as-of']))) {
      throw new UsageError('--as-of expects an ISO 8601 date or date-time, e.g. 2026-11-23T06:00:00Z');
    }
    const config = loadConfigFile(findConfigFile(values.data));
    const result = await runLocal({
      dataDir: values.data,
      asOf: values['as-of'],
      backfill: values.backfill,
      outDir: values.out,
      stateDir: values.state,
      logLevel: logLevel(values.verbose),
    });
    printRunResult(result, values.json, config);
    return result.deadLetters > 0 ? 1 : 0;
  },

  dev: async (args) => {
    const { values } = parseArgs({
      args,
      options: {
        data: { type: 'string' },
        state: { type: 'string' },
        'no-seed': { type: 'boolean' },
        's3-port': { type: 'string', default: '4568' },
        'ses-port': { type: 'string', default: '8005' },
        'dynamodb-port': { type: 'string', default: '4567' },
        verbose: { type: 'boolean' },
      },
    });
    if (!values.data) throw new UsageError('dev needs --data DIR');
    const port = (name: string, value: string) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--${name} expects a port number`);
      return n;
    };
    const stop = await startDev({
      dataDir: values.data,
      stateDir: values.state,
      ports: { s3: port('s3-port', values['s3-port']), ses: port('ses-port', values['ses-port']), dynamodb: port('dynamodb-port', values['dynamodb-port']) },
      logLevel: logLevel(values.verbose),
      seed: !values['no-seed'],
      print: (line) => process.stdout.write(`${line}\n`),
    });
    await new Promise<void>((resolve) => {
      const shutdown = () => resolve();
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
    process.stdout.write('stopping...\n');
    await stop();
    process.stdout.write('stopped\n');
    return 0;
  },

  report: async (args) => {
    const { values } = parseArgs({
      args,
      options: {
        data: { type: 'string' },
        cooperation: { type: 'string' },
        period: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        state: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean' },
      },
    });
    if (!values.data || !values.cooperation) throw new UsageError('report needs --data DIR and --cooperation ID');
    const config = loadConfigFile(findConfigFile(values.data));
    const cooperation = config.cooperations.find((c) => c.id === values.cooperation);
    if (!cooperation) throw new UsageError(`unknown cooperation "${values.cooperation}" in ${findConfigFile(values.data)}`);
    const from = values.period ?? values.from;
    const to = values.period ?? values.to;
    if (!from || !to) throw new UsageError('report needs --period LABEL, or --from LABEL and --to LABEL');
    const periods = periodRange(from, to, cooperation.timezone);
    if (periods.length === 0 || periods.some((p) => p.schedule !== cooperation.schedule)) {
      throw new UsageError(
        `expected ${cooperation.schedule === 'weekly' ? 'ISO week labels like 2026-W46' : 'month labels like 2026-11'}, from <= to`,
      );
    }
    const result = await runLocal({
      dataDir: values.data,
      stateDir: values.state,
      outDir: values.out,
      logLevel: logLevel(values.verbose),
      recompute: { cooperationId: cooperation.id, periods },
    });
    printRunResult(result, values.json, config);
    return 0;
  },

  reconcile: async (args) => {
    const { values } = parseArgs({
      args,
      options: { data: { type: 'string' }, state: { type: 'string' }, json: { type: 'boolean' }, verbose: { type: 'boolean' } },
    });
    if (!values.data || !values.state) throw new UsageError('reconcile needs --data DIR and --state DIR (the state of an earlier run)');
    const repaired = await reconcileLocal({ dataDir: values.data, stateDir: values.state, logLevel: logLevel(values.verbose) });
    if (values.json) process.stdout.write(`${JSON.stringify({ repaired }, null, 2)}\n`);
    else {
      process.stdout.write(
        repaired.length === 0
          ? 'Nothing to repair: every object in inbox/ has its ingestion record.\n'
          : `${repaired.map((r) => `${r.action.padEnd(17)} ${r.key} -> ${r.status}`).join('\n')}\n`,
      );
    }
    return 0;
  },

  validate: async (args) => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        dataset: { type: 'string' },
        timezone: { type: 'string', default: 'UTC' },
        currency: { type: 'string', default: 'CNY' },
        json: { type: 'boolean' },
      },
    });
    const file = positionals[0];
    if (!file) throw new UsageError('validate needs a FILE');
    if (!values.dataset || !isDatasetName(values.dataset)) {
      throw new UsageError(`validate needs --dataset, one of ${DATASET_NAMES.join(', ')}`);
    }
    const result = await validateFile({
      file,
      dataset: values.dataset,
      timezone: values.timezone,
      currency: values.currency,
      maxUncompressedBytes: 2 * 1024 ** 3,
      maxRejectedShare: 0.05,
    });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      const out = [`${file}: ${result.status} (${result.acceptedRows} of ${result.rows} rows taken)${result.reason ? `: ${result.reason}` : ''}`];
      for (const e of result.errors.slice(0, 20)) {
        const at = [e.line !== undefined ? `line ${e.line}` : e.record !== undefined ? `record ${e.record}` : '', e.column ? `column ${e.column}` : '']
          .filter(Boolean)
          .join(', ');
        out.push(`  ${at || 'file'}: ${e.reason}`);
      }
      if (result.errors.length > 20) out.push(`  ... and ${result.errors.length - 20} more (--json lists up to 100)`);
      if (result.days.length) {
        out.push(`Would ingest ${result.days.length} day(s), ${result.days[0]!.day} to ${result.days.at(-1)!.day}:`);
        for (const d of result.days.slice(0, 31)) {
          out.push(`  ${d.day}  ${Object.entries(d.totals).map(([k, v]) => `${k}=${Number(v.toFixed(4))}`).join(' ')}`);
        }
      }
      process.stdout.write(`${out.join('\n')}\n`);
    }
    // A partly rejected file still loses rows: a partner's pre-upload check should fail on it.
    return result.status === 'accepted' ? 0 : 1;
  },

  model: async (args) => {
    const { values } = parseArgs({ args, options: { input: { type: 'string' }, json: { type: 'boolean' } } });
    if (!values.input) throw new UsageError('model needs --input FILE.json');
    const parsed = effectModelInputSchema.safeParse(JSON.parse(readFileSync(values.input, 'utf8')));
    if (!parsed.success) {
      throw new UsageError(`${values.input}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    }
    const result = evaluateEffectModel(parsed.data);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ input: parsed.data, result }, null, 2)}\n`);
    } else {
      const i = parsed.data;
      const f = (n: number) => new Intl.NumberFormat('en', { maximumFractionDigits: 6 }).format(n);
      process.stdout.write(
        [
          `User scale            U  = ${f(result.userScale)}`,
          `Brand influence       B  = ${f(result.brandInfluence)}`,
          `Market share          S  = U / T = ${f(i.users)} / ${f(i.marketUsers)} = ${f(result.marketShare)}`,
          `Brand share           S' = B / T' = ${f(i.brand)} / ${f(i.marketBrand)} = ${f(result.brandShare)}`,
          `Capability score      A_C = ${i.alpha.map(f).join('/')} x ${f(i.capability.storage)}/${f(i.capability.processing)}/${f(i.capability.analysis)} = ${f(result.capabilityScore)}`,
          `Recommendation score  A_A = ${i.beta.map(f).join('/')} x ${i.records.map(f).join('/')} = ${f(result.recommendationScore)}`,
          `Effect score          M  = (U + B) / T x A_C x A_A = ${f(result.effectScore)}`,
        ].join('\n') + '\n',
      );
    }
    return 0;
  },

  schema: async (args) => {
    const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
    const schema = renderConfigJsonSchema();
    if (values.out) writeFileSync(values.out, schema);
    else process.stdout.write(schema);
    return 0;
  },
};

export const main = async (argv: string[]): Promise<number> => {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  if (command === '--version') {
    process.stdout.write(`${CROSSLIFT_VERSION}\n`);
    return 0;
  }
  const run = commands[command];
  if (!run) {
    process.stderr.write(`crosslift: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(args);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`crosslift ${command}: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof CrossliftError) {
      process.stderr.write(`crosslift ${command}: ${error.message}\n`);
      return 1;
    }
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`crosslift ${command}: a port is already in use (${(error as Error).message}); choose others with --s3-port, --ses-port, --dynamodb-port\n`);
      return 1;
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stderr.write(`crosslift ${command}: no such file: ${(error as NodeJS.ErrnoException).path}\n`);
      return 2;
    }
    // Anything else is a bug or an environment problem: one readable line, the stack only on request.
    process.stderr.write(`crosslift ${command}: unexpected ${(error as Error).name ?? 'error'}: ${(error as Error).message}\n`);
    if (args.includes('--verbose')) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
    return 1;
  }
};
