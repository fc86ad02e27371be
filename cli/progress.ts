/**
 * One status line on stderr, rewritten in place, shown only when stderr is a terminal (never in
 * a pipe, a log file or CI) and never on stdout. `\r` plus "erase line" is the only escape used.
 */
export interface Progress {
  /** Replaces the status line (at most ~10 times a second; the last text is kept for `done`). */
  update(text: string): void;
  /** Prints a line above the status line (kept in the scrollback). */
  note(text: string): void;
  /** Clears the status line. */
  done(): void;
}

const silent: Progress = { update: () => undefined, note: () => undefined, done: () => undefined };

export const createProgress = (
  stream: NodeJS.WriteStream = process.stderr,
  enabled = stream.isTTY === true,
): Progress => {
  if (!enabled) return silent;
  let shown = '';
  let last = 0;
  const draw = (text: string) => {
    const width = Math.max(20, (stream.columns || 80) - 1);
    shown = text.length > width ? `${text.slice(0, width - 1)}…` : text;
    stream.write(`\r\x1b[2K${shown}`);
  };
  return {
    update: (text) => {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      draw(text);
    },
    note: (text) => {
      stream.write(`\r\x1b[2K${text}\n`);
      if (shown) stream.write(shown);
    },
    done: () => {
      if (shown) stream.write('\r\x1b[2K');
      shown = '';
    },
  };
};

/** "12,345 rows/s" over the time since `startedAt` (ms). */
export const rate = (rows: number, startedAt: number) => {
  const seconds = (Date.now() - startedAt) / 1000;
  return `${Math.round(seconds > 0 ? rows / seconds : 0).toLocaleString('en')} rows/s`;
};

/** Counts ingested files and rows for the status line of `run`, `report` and `dev`. */
export const ingestProgress = (progress: Progress, total?: number) => {
  const startedAt = Date.now();
  let files = 0;
  let rows = 0;
  return {
    ingested: (result: { files: readonly { rows: number }[] }) => {
      files += result.files.length;
      rows += result.files.reduce((sum, f) => sum + f.rows, 0);
      progress.update(
        `ingested ${files}${total !== undefined ? `/${total}` : ''} files, ${rows.toLocaleString('en')} rows, ${rate(rows, startedAt)}`,
      );
    },
  };
};
