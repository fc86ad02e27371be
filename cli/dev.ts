import { Logger } from '@aws-lambda-powertools/logger';
import { Cron } from 'croner';
import { findConfigFile, loadConfigFile } from '../shared/config/load';
import { decodeS3Key } from '../shared/ingest/s3-event';
import { getFileRecord } from '../shared/storage/file-ledger';
import { RECONCILE_CRON, SCHEDULE_CRON } from '../shared/time/schedules';
import { createLocalPipeline } from './local-pipeline';
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
}

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
    deliver: (event, invoke) => {
      invoke(event);
      const keys = (event as { Records: { s3: { object: { key: string } } }[] }).Records.map((r) => decodeS3Key(r.s3.object.key));
      void pipeline.drain().then(async () => {
        for (const key of keys) {
          const cooperationId = key.split('/')[1] ?? '';
          const record = await getFileRecord(pipeline.runtime.table, cooperationId, key);
          options.print(`ingested ${key}: ${record?.status ?? 'not routed'}${record ? ` (${record.rows} rows, ${record.rejectedRows} rejected)` : ''}`);
        }
      });
    },
  });

  const { s3, sesv2 } = stack.endpoints;
  options.print(`crosslift dev: local stack ready`);
  options.print(`  S3        ${s3}  bucket ${stack.bucketName}  (access key ${stack.credentials.accessKeyId}, secret ${stack.credentials.secretAccessKey})`);
  options.print(`  SES web   ${sesv2}/  (every email sent, readable in a browser)`);
  options.print(`  upload    AWS_ACCESS_KEY_ID=${stack.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${stack.credentials.secretAccessKey} aws s3 cp FILE s3://${stack.bucketName}/inbox/<cooperation>/<partner>/<dataset>/ --endpoint-url ${s3}`);

  if (options.seed) {
    for (const [path, key] of listDataFiles(options.dataDir)) await uploadFile(pipeline, stack, path, key);
    await pipeline.drain();
  }

  const jobs: Cron[] = [];
  for (const cooperation of config.cooperations) {
    const cron = SCHEDULE_CRON[cooperation.schedule].standard;
    const job = new Cron(cron, { timezone: cooperation.timezone }, async (self: Cron) => {
      const scheduledTime = (self.currentRun() ?? new Date()).toISOString();
      const result = await pipeline.scheduleReport({ cooperationId: cooperation.id, scheduledTime });
      options.print(`report ${cooperation.id} ${result?.period ?? 'failed (failure notice sent)'}`);
    });
    jobs.push(job);
    options.print(`  schedule  ${cooperation.id}: "${cron}" in ${cooperation.timezone}, next ${job.nextRun()?.toISOString()}`);
  }
  jobs.push(new Cron(RECONCILE_CRON.standard, { timezone: 'UTC' }, async () => void (await pipeline.reconcile())));
  options.print('Press Ctrl-C to stop.');

  return async () => {
    for (const job of jobs) job.stop();
    await pipeline.stop();
    await stack.stop();
  };
};
