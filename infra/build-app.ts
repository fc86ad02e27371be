import { Validations, type App, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Config } from '../shared/config/schema';
import { owningPartners, PartnerConfigError } from './partner-config';
import { PartnerStack, partnerStackName, type ReservedConcurrency } from './partner-stack';

export interface BuildAppOptions {
  /** Only this partner's stack (`-c partner=ID`). @default - every partner that owns a cooperation */
  readonly partner?: string;
  /** Account and region of the stacks. @default - environment-agnostic */
  readonly env?: Environment;
  /** Reserved concurrency of every stack's functions, or `false` for none. @default DEFAULT_RESERVED_CONCURRENCY */
  readonly reservedConcurrency?: ReservedConcurrency | false;
}

const RESERVED_CONCURRENCY_FUNCTIONS = ['report', 'ingest', 'reconcile'];

/**
 * `-c reservedConcurrency=VALUE`: `false` reserves none; a JSON object such as `{"ingest":20}`
 * overrides the defaults it names. The numbers themselves are checked by the stack.
 */
export const reservedConcurrencyFromContext = (value: unknown): ReservedConcurrency | false | undefined => {
  if (value === undefined) return undefined;
  if (value === false || value === 'false') return false;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
  }
  const unknown =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? Object.keys(parsed).filter((k) => !RESERVED_CONCURRENCY_FUNCTIONS.includes(k))
      : undefined;
  if (!unknown || unknown.length > 0) {
    throw new PartnerConfigError(
      `reservedConcurrency must be false or a JSON object with any of ${RESERVED_CONCURRENCY_FUNCTIONS.join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return parsed as ReservedConcurrency;
};

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
    .map(
      (p) =>
        new PartnerStack(app, partnerStackName(p.id), {
          config,
          partnerId: p.id,
          env: options.env,
          reservedConcurrency: options.reservedConcurrency,
        }),
    );
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stacks;
};
