/**
 * Where the CLI writes. stdout carries only a command's result (the readable summary, or with
 * --json exactly one JSON document); logs, progress and error lines go to stderr. The CLI uses
 * no colour, so NO_COLOR and dumb terminals need nothing special.
 */

const realStdoutWrite = process.stdout.write.bind(process.stdout);
let guarded = false;

/**
 * From here on, anything written to process.stdout by other code (Powertools loggers, the
 * emulators, a stray console.log in a dependency) goes to stderr; only `writeResult` reaches
 * stdout. This is what keeps `run --json --verbose` one valid JSON document.
 */
export const guardStdout = () => {
  if (guarded) return;
  guarded = true;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
};

/** The command's result, on stdout. */
export const writeResult = (text: string) => {
  realStdoutWrite(text);
};

/** One JSON document on stdout. */
export const writeJson = (document: unknown) => writeResult(`${JSON.stringify(document, null, 2)}\n`);

/** A log or status line, on stderr. */
export const writeLog = (text: string) => {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
};

/** The user asked for something the CLI cannot do as asked: exit 2, one line, a pointer to --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
