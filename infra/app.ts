import { App } from 'aws-cdk-lib';
import { loadConfigFile } from '../shared/config/load';
import { buildApp } from './build-app';

/**
 * The CDK app (cdk.json runs it with tsx). Context:
 *   -c config=PATH   the crosslift config (default crosslift.config.yaml), validated like the CLI does
 *   -c partner=ID    synthesize only this partner's stack
 */
const app = new App();
const configPath = (app.node.tryGetContext('config') as string | undefined) ?? 'crosslift.config.yaml';
const partner = app.node.tryGetContext('partner') as string | undefined;

buildApp(app, loadConfigFile(configPath), {
  partner,
  // Set by the CDK CLI from the current credentials; without them the stacks stay environment-agnostic.
  env:
    process.env.CDK_DEFAULT_ACCOUNT || process.env.CDK_DEFAULT_REGION
      ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
      : undefined,
});
app.synth();
