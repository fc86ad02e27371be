import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { configSchema, type Config, type ConfigInput } from '../../shared/config/schema';

/**
 * A small config: `north` owns two cooperations (weekly and monthly, in different timezones),
 * `south` owns one that involves `far`, who has nothing to do with north. east and west upload
 * from their own AWS accounts; north's own account id must not get partner grants.
 */
export const testConfigInput: ConfigInput = {
  partners: [
    {
      id: 'north',
      name: 'North Learning',
      kind: 'knowledge_platform',
      contacts: ['data@north.example'],
      sender: 'reports@north.example',
      awsAccountId: '111111111111',
    },
    {
      id: 'east',
      name: 'East Academy',
      kind: 'training_institution',
      contacts: ['ops@east.example'],
      awsAccountId: '222222222222',
    },
    { id: 'west', name: 'West Brand', kind: 'brand', contacts: ['ads@west.example'], awsAccountId: '333333333333' },
    {
      id: 'south',
      name: 'South University',
      kind: 'university',
      contacts: ['it@south.example'],
      sender: 'reports@mail.south.example',
    },
    { id: 'far', name: 'Far Enterprise', kind: 'enterprise', contacts: ['hr@far.example'] },
  ],
  cooperations: [
    {
      id: 'course-a',
      name: 'Joint course A',
      type: 'joint_course',
      owner: 'north',
      partners: ['north', 'east', 'south'],
      timezone: 'Asia/Shanghai',
      starts: '2026-10-05',
      schedule: 'weekly',
    },
    {
      id: 'ads-b',
      name: 'Joint ads B',
      type: 'joint_ads',
      owner: 'north',
      partners: ['north', 'west', 'east'],
      timezone: 'America/New_York',
      starts: '2026-09-01',
      schedule: 'monthly',
      currency: 'USD',
    },
    {
      id: 'event-c',
      name: 'Campus event C',
      type: 'joint_event',
      owner: 'south',
      partners: ['south', 'far'],
      timezone: 'Europe/Berlin',
      starts: '2026-10-01',
      schedule: 'monthly',
    },
  ],
};

export const testConfig = (): Config => configSchema.parse(testConfigInput);

/** The feature flags deployments use (cdk.json), so tests synthesize what `cdk synth` would. */
const cdkJsonContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<
  string,
  unknown
>;

/**
 * An app like the CLI's, with asset bundling skipped: assertions only need the templates.
 * CDK's built-in CloudFormation validation (schemas and default rules) takes seconds per stack,
 * so only the tests that synthesize as `cdk synth` would turn it on.
 */
export const testApp = (options: { cloudFormationValidation?: boolean } = {}) =>
  new App({
    context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
  });
