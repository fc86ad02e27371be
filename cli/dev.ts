import { Logger } from '@aws-lambda-powertools/logger';
import { Cron } from 'croner';
import { DateTime } from 'luxon';
import type { IngestResult } from '../functions/ingest/handler';
import { findConfigFile, loadConfigFile } from '../shared/config/load';
import { decodeS3Key } from '../shared/ingest/s3-event';
import { getFileRecord } from '../shared/storage/file-ledger';
import { RECONCILE_CRON, SCHEDULE_CRON } from '../shared/time/schedules';
import { localKeyProblem } from './local-keys';
import { createLocalPipeline, reconcileRun } from './local-pipeline';
import { withheldLine } from './print';
import { startLocalStack } from './local-stack';
import { listDataFiles, uploadFile } from './run';

export interface DevOptions {
  readonly dataDir: string;
  readonly stateDir?: string;
  readonly ports: { s3: number; dynamodb: number; ses: number };
  readonly logLevel: 'INFO' | 'ERROR';
  /** Upload the files under DIR/inbox on start (default true). */
  readonly seed: boolean;
  readonly print: (line: string) => void;
  /** Each ingest invocation's result (progress on stderr). */
  readonly onIngested?: (result: IngestResult) => void;
}

/** A schedule time as the cooperation sees it: ISO 8601 in its timezone, with its offset. */
const inZone = (date: Date | null | undefined, timezone: string) =>
  date ? DateTime.fromJSDate(date, { zone: timezone }).toISO({ suppressMilliseconds: true }) : 'never';

/**
 * `crosslift dev`: the embedded stack kept running as a sandbox. Uploads reach the ingest
 * handler as they arrive; each cooperation's schedule fires on its real cron in its timezone,
 * and reconcile daily. Resolves with a stop function (Ctrl-C calls it).
 */
export const startDev = async (options: DevOptions) => {
  const config = loadConfigFile(findConfigFile(options.dataDir));
  const logger = new Logger({ serviceName: 'crosslift-dev', logLevel: options.logLevel });
  const stack = await startLocalStack({ stateDir: options.stateDir, ports: options.ports });
  const pipeline = createLocalPipeline(stack, config, logger, {
    onIngested: options.onIngested,
    deliver: (event, invoke) => {
      invoke(event);
      const keys = (event as { Records: { s3: { object: { key: string } } }[] }).Records.map((r) =>
        decodeS3Key(r.s3.object.key),
      );
      void pipeline.drain().then(async () => {
        for (const key of keys) {
          const cooperationId = key.split('/')[1] ?? '';
          const record = await getFileRecord(pipeline.runtime.table, cooperationId, key);
          options.print(
            `ingested ${key}: ${record?.status ?? 'not routed'}${record ? ` (${record.rows} rows, ${record.rejectedRows} rejected)` : ''}`,
          );
        }
      });
    },
  });

  const { s3, sesv2 } = stack.endpoints;
  options.print(`crosslift dev: local stack ready`);
  options.print(
    `  S3        ${s3}  bucket ${stack.bucketName}  (any access key and secret work, e.g. ${stack.credentials.accessKeyId}/${stack.credentials.secretAccessKey})`,
  );
  options.print(`  SES web   ${sesv2}/  (every email sent, readable in a browser)`);
  // AWS CLI v2 sends chunk-signed bodies by default, which s3rver would store as sent.
  options.print(
    `  upload    AWS_REQUEST_CHECKSUM_CALCULATION=when_required aws s3 cp FILE s3://${stack.bucketName}/inbox/<cooperation>/<partner>/<dataset>/ --endpoint-url ${s3}`,
  );

  if (options.seed) {
    try {
      for (const [path, key] of listDataFiles(options.dataDir)) {
        const problem = localKeyProblem(key);
        if (problem) options.print(`skipped ${key}: ${problem}`);
        else await uploadFile(pipeline, stack, path, key);
      }
      await pipeline.drain();
    } catch (error) {
      // Nothing may keep running (or the process would not exit) when the sandbox fails to start.
      try {
        await pipeline.stop();
      } finally {
        await stack.stop();
      }
      throw error;
    }
  }

  const jobs: Cron[] = [];
  for (const cooperation of config.cooperations) {
    const cron = SCHEDULE_CRON[cooperation.schedule].standard;
    const job = new Cron(cron, { timezone: cooperation.timezone }, async (self: Cron) => {
      const scheduledTime = (self.currentRun() ?? new Date()).toISOString();
      const result = await pipeline.scheduleReport({ cooperationId: cooperation.id, scheduledTime });
      options.print(
        `report ${cooperation.id} ${result?.period ?? 'failed (failure notice sent)'}; next ${inZone(self.nextRun(), cooperation.timezone)}`,
      );
    });
    jobs.push(job);
    options.print(
      `  schedule  ${cooperation.id}: "${cron}" in ${cooperation.timezone}, next ${inZone(job.nextRun(), cooperation.timezone)}`,
    );
  }
  jobs.push(
    new Cron(RECONCILE_CRON.standard, { timezone: 'UTC' }, async () => {
      // A failed run must not end the sandbox: say it, and the next day's run tries again.
      try {
        const { repaired, withheld } = await reconcileRun(pipeline);
        options.print(withheld ? withheldLine(withheld) : `reconcile repaired ${repaired.length}`);
      } catch (error) {
        options.print(`reconcile failed: ${error instanceof Error ? error.name : 'error'}`);
      }
    }),
  );
  options.print('Press Ctrl-C to stop.');

  return async () => {
    for (const job of jobs) job.stop();
    await pipeline.stop();
    await stack.stop();
  };
};
