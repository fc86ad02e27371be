import { checkPort } from '../checks';
import { startDev } from '../dev';
import { PortInUseError } from '../local-stack';
import { UsageError, writeResult } from '../output';
import { createProgress, ingestProgress } from '../progress';
import { loadDataFolder, logLevel } from './local';

export interface DevFlags {
  readonly data: string;
  readonly state?: string;
  readonly seed: boolean;
  readonly s3Port: string;
  readonly sesPort: string;
  readonly dynamodbPort: string;
  readonly verbose?: boolean;
}

const PORT_FLAGS = { s3: '--s3-port', ses: '--ses-port', dynamodb: '--dynamodb-port' } as const;

/**
 * `crosslift dev`: the sandbox. Its event lines (endpoints, each ingested upload, each report)
 * are its output, on stdout; logs (--verbose) and the progress line go to stderr.
 */
export const devCommand = async (flags: DevFlags): Promise<number> => {
  const ports = {
    s3: checkPort(flags.s3Port, PORT_FLAGS.s3),
    ses: checkPort(flags.sesPort, PORT_FLAGS.ses),
    dynamodb: checkPort(flags.dynamodbPort, PORT_FLAGS.dynamodb),
  };
  loadDataFolder(flags.data);
  const progress = createProgress();
  const ingest = ingestProgress(progress);
  let stop: () => Promise<void>;
  try {
    stop = await startDev({
      dataDir: flags.data,
      stateDir: flags.state,
      ports,
      logLevel: logLevel(flags.verbose),
      seed: flags.seed,
      onIngested: ingest.ingested,
      print: (line) => {
        progress.done();
        writeResult(`${line}\n`);
      },
    });
  } catch (error) {
    progress.done();
    if (error instanceof PortInUseError) {
      throw new UsageError(
        `${error.message}: choose another with ${PORT_FLAGS[error.service]} (0 picks any free port)`,
      );
    }
    throw error;
  }
  progress.done();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  writeResult('stopping...\n');
  await stop();
  writeResult('stopped\n');
  return 0;
};
