import { Validations, type App, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Config } from '../shared/config/schema';
import { owningPartners, PartnerConfigError } from './partner-config';
import { PartnerStack, partnerStackName } from './partner-stack';

export interface BuildAppOptions {
  /** Only this partner's stack (`-c partner=ID`). @default - every partner that owns a cooperation */
  readonly partner?: string;
  /** Account and region of the stacks. @default - environment-agnostic */
  readonly env?: Environment;
}

/**
 * Adds one PartnerStack per owning partner to the app and checks the app with cdk-nag's
 * AWS Solutions pack: an unacknowledged finding fails synthesis.
 */
export const buildApp = (app: App, config: Config, options: BuildAppOptions = {}): PartnerStack[] => {
  const owners = owningPartners(config);
  if (options.partner !== undefined && !owners.some((p) => p.id === options.partner)) {
    throw new PartnerConfigError(
      `partner "${options.partner}" owns no cooperation in the config; partners with a stack: ${owners.map((p) => p.id).join(', ')}`,
    );
  }
  const stacks = owners
    .filter((p) => options.partner === undefined || p.id === options.partner)
    .map((p) => new PartnerStack(app, partnerStackName(p.id), { config, partnerId: p.id, env: options.env }));
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stacks;
};
