import { App } from 'aws-cdk-lib';
import { loadConfigFile } from '../shared/config/load';
import { buildApp, reservedConcurrencyFromContext } from './build-app';

/**
 * The CDK app (cdk.json runs it with tsx). Context:
 *   -c config=PATH   the crosslift config (default crosslift.config.yaml), validated like the CLI does
 *   -c partner=ID    synthesize only this partner's stack
 *   -c reservedConcurrency=false | '{"report":2,"ingest":10,"reconcile":1}'
 *                    Lambda reserved concurrency (default as shown); false reserves none
 */
const app = new App();
const configPath = (app.node.tryGetContext('config') as string | undefined) ?? 'crosslift.config.yaml';
const partner = app.node.tryGetContext('partner') as string | undefined;

buildApp(app, loadConfigFile(configPath), {
  partner,
  reservedConcurrency: reservedConcurrencyFromContext(app.node.tryGetContext('reservedConcurrency')),
  // Set by the CDK CLI from the current credentials; without them the stacks stay environment-agnostic.
  // Both or neither: without credentials the CLI still passes a region (its fallback, us-east-1), and
  // pinning the stack to it would put that region into every ARN (SES identities, the alarms'
  // aws:SourceArn, kms:ViaService) of a template that may be deployed elsewhere.
  env:
    process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
      ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
      : undefined,
});
app.synth();
