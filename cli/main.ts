/**
 * The `crosslift` command line. Arguments are parsed by commander: zero dependencies, one small
 * file to load, maintained for over a decade, and it does what a conventional CLI needs out of
 * the box (per-command help with option descriptions, `help <command>`, `-v/--version`,
 * suggestions for mistyped commands and options, `--no-x` negations, choices) while letting us
 * own exit codes and output streams (exitOverride, configureOutput). yargs pulls in a dozen
 * packages and parses more loosely; citty is younger and has no suggestions.
 *
 * Each command's code is imported only when that command runs (`await import(...)`), and the
 * build (scripts/build-cli.mjs) turns each import into its own chunk: `--version`, `--help`,
 * `validate`, `model` and `schema` never load the AWS SDK, the emulators or the handlers.
 */
import { Command, CommanderError, Option } from 'commander';
import { DATASET_NAMES } from '../shared/datasets/names';
import { CrossliftError } from '../shared/errors';
import { CROSSLIFT_VERSION } from '../shared/version';
import { guardStdout, UsageError, writeJson, writeLog, writeResult } from './output';
import type { DevFlags } from './commands/dev';
import type { ModelFlags } from './commands/model';
import type { ImpactFlags } from './commands/impact';
import type { ReportFlags } from './commands/report';
import type { ReconcileFlags } from './commands/reconcile';
import type { RunFlags } from './commands/run';
import type { ValidateFlags } from './commands/validate';

const EXIT_CODES = `Exit codes:
  0  done (validate: every file would be taken whole)
  1  failed (validate: some file or row would be rejected)
  2  usage error: unknown command or option, missing file, bad value`;

const examples = (...lines: string[]) =>
  `\nExample${lines.length > 1 ? 's' : ''}:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

/**
 * The command tree. `onResult` receives the exit code a command's action returns; actions
 * import their module lazily.
 */
export const buildProgram = (onResult: (code: number) => void = () => undefined): Command => {
  const done = (code: number) => onResult(code);
  const program = new Command('crosslift')
    .description(
      'Effect reports for cross-over partnerships: check partner files before upload, run the whole pipeline locally.',
    )
    .version(CROSSLIFT_VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: false })
    .configureOutput({
      writeOut: (text) => writeResult(text),
      writeErr: (text) => process.stderr.write(text),
      // Errors are printed by `main`, as one line with a pointer to --help.
      outputError: () => undefined,
    })
    .exitOverride()
    .addHelpText(
      'after',
      `${examples('crosslift validate exports/*.csv --dataset enrollments', 'crosslift help validate')}\n${EXIT_CODES}\n`,
    );

  program
    .command('validate')
    .summary('check data files before uploading them')
    .description(
      "Check data files before uploading them, with the ingest's own parser and rules: the verdict per file, every rejected row with line and column, and the per-day totals that would be ingested. Folders are searched for data files; files laid out as inbox/<cooperation>/<partner>/<dataset>/ take the dataset from the path (and with --config, the cooperation's timezone and currency); a file in a folder named after a dataset takes that dataset.",
    )
    .argument('<paths...>', 'data files (.csv, .json, .ndjson, .jsonl, optionally .gz) or folders')
    .addOption(
      new Option('--dataset <name>', 'dataset of the files whose path does not tell it').choices(DATASET_NAMES),
    )
    .option('--timezone <tz>', 'IANA timezone that dates without an offset are in (default: UTC)')
    .option('--currency <code>', 'ISO 4217 currency that amounts must be in (default: CNY)')
    .option('--config <file>', 'crosslift.config.yaml (or its folder): routing, timezone and currency per cooperation')
    .option('--json', 'print one JSON document: settings, one verdict per file, summary')
    .addHelpText(
      'after',
      examples(
        'crosslift validate enrollments-2026-11.csv --dataset enrollments --timezone Asia/Shanghai',
        'crosslift validate exports/*.csv exports/*.ndjson.gz --dataset activity --json',
        'crosslift validate data/inbox --config data/crosslift.config.yaml',
      ),
    )
    .action(async (paths: string[], flags: ValidateFlags) =>
      done(await (await import('./commands/validate')).validateCommand(paths, flags)),
    );

  program
    .command('model')
    .summary('evaluate the cross-over effect model on given inputs')
    .description('Evaluate the cross-over effect model for what-if planning (docs/effect-model.md).')
    .requiredOption(
      '--input <file>',
      'JSON file with users, brand, marketUsers, marketBrand, capability, alpha, records, beta',
    )
    .option('--json', 'print one JSON document: the input and the result')
    .addHelpText('after', examples('crosslift model --input plan.json'))
    .action(async (flags: ModelFlags) => done(await (await import('./commands/model')).modelCommand(flags)));

  program
    .command('schema')
    .summary('print the JSON Schema of crosslift.config.yaml')
    .description('Print the JSON Schema of crosslift.config.yaml (editors validate and complete the config with it).')
    .option('--out <file>', 'write it to a file instead of stdout')
    .addHelpText('after', examples('crosslift schema --out crosslift.schema.json'))
    .action(async (flags: { out?: string }) => done(await (await import('./commands/schema')).schemaCommand(flags)));

  program
    .command('run')
    .summary('run the whole pipeline locally and print the reports')
    .description(
      "Start the embedded AWS stack (S3, DynamoDB and SES emulators in this process), upload every file under DIR/inbox/ (each reaches the ingest handler through S3 notifications), then fire each cooperation's schedule for the last complete period before --as-of, or every complete period since `starts` with --backfill. Exit 1 when ingest events failed.",
    )
    .requiredOption(
      '--data <dir>',
      'data folder: crosslift.config.yaml and inbox/<cooperation>/<partner>/<dataset>/<file>',
    )
    .option('--as-of <iso>', 'the time the schedules fire at, ISO 8601 (default: now)')
    .option('--backfill', 'report every complete period since the cooperation started, not only the last')
    .option('--out <dir>', 'write each report as JSON and each email as .eml (RFC 5322) and .html')
    .option('--state <dir>', 'keep the DynamoDB and S3 data here between runs (default: a temp folder, removed)')
    .option('--json', 'print one JSON document: files, reports, alerts, emails, reconciled')
    .option('--verbose', "log the handlers' JSON logs on stderr")
    .addHelpText(
      'after',
      examples('crosslift run --data examples/joint-course --as-of 2026-11-23T06:00:00+08:00 --out out/'),
    )
    .action(async (flags: RunFlags) => done(await (await import('./commands/run')).runCommand(flags)));

  program
    .command('dev')
    .summary('keep the embedded stack running as a sandbox')
    .description(
      "Keep the embedded stack running as a sandbox: uploads (aws s3 cp --endpoint-url ..., any credentials) are ingested as they arrive, each cooperation's schedule fires on its cron in its timezone, the SES web page shows every email. Ctrl-C stops it.",
    )
    .requiredOption('--data <dir>', 'data folder: crosslift.config.yaml and inbox/')
    .option('--state <dir>', 'keep the DynamoDB and S3 data here between runs')
    .option('--no-seed', 'do not upload the files under DIR/inbox/ on start')
    .option('--s3-port <port>', 'S3 port (0: any free port)', '4568')
    .option('--ses-port <port>', 'SES port, also its web page (0: any free port)', '8005')
    .option('--dynamodb-port <port>', 'DynamoDB port (0: any free port)', '4567')
    .option('--verbose', "log the handlers' JSON logs on stderr")
    .addHelpText('after', examples('crosslift dev --data examples/joint-course --state .crosslift/'))
    .action(async (flags: DevFlags) => done(await (await import('./commands/dev')).devCommand(flags)));

  program
    .command('report')
    .summary('recompute and store the reports of past periods')
    .description(
      'Recompute and store the reports of past periods of one cooperation (e.g. after a correction): a changed report becomes a new revision and is emailed as a restatement.',
    )
    .requiredOption('--data <dir>', 'data folder: crosslift.config.yaml and inbox/')
    .requiredOption('--cooperation <id>', 'the cooperation, as in the config')
    .option('--period <label>', 'one period: an ISO week like 2026-W46 (weekly) or a month like 2026-11 (monthly)')
    .option('--from <label>', 'first period of a range')
    .option('--to <label>', 'last period of a range')
    .option('--state <dir>', 'the state folder of earlier runs (default: a fresh temp folder)')
    .option('--out <dir>', 'write each report as JSON and each email as .eml and .html')
    .option('--json', 'print one JSON document, as run does')
    .option('--verbose', "log the handlers' JSON logs on stderr")
    .addHelpText(
      'after',
      examples(
        'crosslift report --data examples/joint-course --cooperation joint-course --from 2026-W44 --to 2026-W46',
      ),
    )
    .action(async (flags: ReportFlags) => done(await (await import('./commands/report')).reportCommand(flags)));

  program
    .command('impact')
    .summary('what the cooperation caused: actual against a counterfactual')
    .description(
      'Run the pipeline locally on the data folder and print the incremental effect of one period: each configured outcome series against its counterfactual, for the period and since the cooperation started, with 95% intervals (docs/impact.md).',
    )
    .requiredOption('--data <dir>', 'data folder: crosslift.config.yaml and inbox/')
    .requiredOption('--cooperation <id>', 'the cooperation, as in the config')
    .option('--period <label>', 'the period: an ISO week like 2026-W46 (weekly) or a month like 2026-11 (monthly)')
    .option('--as-of <iso>', 'without --period: the last complete period before this time (default: now)')
    .option('--json', 'print one JSON document: { cooperationId, period, impact: [...] }')
    .option('--verbose', "log the handlers' JSON logs on stderr")
    .addHelpText(
      'after',
      examples('crosslift impact --data examples/joint-course --cooperation joint-course --period 2026-W47'),
    )
    .action(async (flags: ImpactFlags) => done(await (await import('./commands/impact')).impactCommand(flags)));

  program
    .command('reconcile')
    .summary('ingest what lost S3 events missed')
    .description(
      "Compare the local bucket's inbox/ with the ingestion records of an earlier run's state and ingest what was missed. " +
        'Every object is repaired on its own; exit 1 when a repair failed (it is listed with its error).',
    )
    .requiredOption('--data <dir>', 'data folder: crosslift.config.yaml and inbox/')
    .requiredOption('--state <dir>', 'the state folder of an earlier run or dev session')
    .option(
      '--allow-mass-removal',
      'withdraw missing files even when most recorded files are missing at once (else kept, exit 1)',
    )
    .option('--json', 'print one JSON document: { repaired: [...], withheld?: { missing, recorded } }')
    .option('--verbose', "log the handlers' JSON logs on stderr")
    .addHelpText('after', examples('crosslift reconcile --data examples/joint-course --state .crosslift/'))
    .action(async (flags: ReconcileFlags) =>
      done(await (await import('./commands/reconcile')).reconcileCommand(flags)),
    );

  return program;
};

/** The error as one line: `crosslift validate: unknown option '--foo' (see 'crosslift validate --help')`. */
const usageLine = (command: string | undefined, message: string) => {
  const where = command ? `crosslift ${command}` : 'crosslift';
  const text = message
    .replace(/^error: /, '')
    .replace(/\n\(Did you mean (.+)\?\)/, '; did you mean $1?')
    .replace(/\s*\n\s*/g, ' ');
  return { text: `${where}: ${text}`, help: `${where} --help` };
};

/** Runs the CLI; resolves with the exit code. */
export const main = async (argv: readonly string[]): Promise<number> => {
  guardStdout();
  const json = argv.includes('--json');
  const verbose = argv.includes('--verbose');
  let code = 0;
  let command: string | undefined;
  const program = buildProgram((c) => (code = c));
  program.hook('preSubcommand', (_program, sub) => {
    command = sub.name();
  });

  const fail = (exitCode: 1 | 2, type: 'usage' | 'failed' | 'unexpected', message: string, help?: string) => {
    writeLog(help ? `${message} (see '${help}')` : message);
    if (json) writeJson({ error: { type, message, exitCode } });
    return exitCode;
  };

  // `help <typo>`: the same one-line error and suggestion as `<typo>` (commander would print the whole help).
  const args =
    argv[0] === 'help' && argv[1] && !program.commands.some((c) => c.name() === argv[1]) ? argv.slice(1) : [...argv];
  try {
    await program.parseAsync(args, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      // `help` exits 0; no command at all exits 1 here, with the help printed on stderr: a usage error.
      if (error.code === 'commander.help') return error.exitCode === 0 ? 0 : 2;
      const line = usageLine(command, error.message);
      return fail(2, 'usage', line.text, line.help);
    }
    if (error instanceof UsageError) {
      const line = usageLine(command, error.message);
      return fail(2, 'usage', line.text, line.help);
    }
    const errno = error as NodeJS.ErrnoException;
    const where = `crosslift${command ? ` ${command}` : ''}`;
    if (errno.code === 'EADDRINUSE') {
      return fail(
        2,
        'usage',
        `${where}: ${errno.message.split('\n')[0]}: a port is already in use; choose others with --s3-port, --ses-port, --dynamodb-port`,
      );
    }
    if (errno.code === 'ENOENT' && errno.path)
      return fail(2, 'usage', `${where}: no such file: ${errno.path}`, `${where} --help`);
    if (error instanceof CrossliftError) return fail(1, 'failed', `${where}: ${error.message}`);
    // Anything else is a bug or an environment problem: one readable line, the stack on request.
    const result = fail(
      1,
      'unexpected',
      `${where}: unexpected ${(error as Error).name ?? 'error'}: ${(error as Error).message}`,
    );
    if (verbose) writeLog((error as Error).stack ?? '');
    else writeLog(`(add --verbose to see where it happened)`);
    return result;
  }
};
