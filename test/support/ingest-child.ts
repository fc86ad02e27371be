/**
 * Runs the deployed ingest handler (functions/ingest/handler.ts `handler`, configured from the
 * environment exactly as in Lambda) on one S3 event read from argv, in its own process, so a
 * test can SIGKILL it at any point. Endpoints come from AWS_ENDPOINT_URL_* like any SDK client.
 */
import { handler } from '../../functions/ingest/handler';
import { localContext } from '../../cli/lambda-context';

const event = JSON.parse(process.argv[2] ?? '{}');
await handler(event, localContext('crosslift-ingest'));
process.stdout.write('done\n');
