import { describe, expect, it } from 'vitest';
import { createProgress, ingestProgress } from '../../cli/progress';

/** A stream that records what is written, as a terminal or not. */
const stream = (isTTY: boolean) => {
  const written: string[] = [];
  return {
    written,
    stream: { isTTY, columns: 80, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream,
  };
};

describe('createProgress', () => {
  it('draws files, rows and rows/s on a terminal, and clears the line when done', () => {
    // Prepare
    const tty = stream(true);
    const progress = createProgress(tty.stream);
    // Act
    ingestProgress(progress, 4).ingested({ files: [{ rows: 1200 }, { rows: 34 }] });
    progress.done();
    // Assess
    expect(tty.written[0]).toMatch(/^\r\x1b\[2Kingested 2\/4 files, 1,234 rows, [\d,]+ rows\/s$/);
    expect(tty.written.at(-1)).toBe('\r\x1b[2K');
  });

  it('writes nothing when the stream is not a terminal (pipes, logs, CI)', () => {
    // Prepare
    const pipe = stream(false);
    const progress = createProgress(pipe.stream);
    // Act
    ingestProgress(progress).ingested({ files: [{ rows: 10 }] });
    progress.note('a note');
    progress.done();
    // Assess
    expect(pipe.written).toEqual([]);
  });
});
