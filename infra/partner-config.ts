import { configSchema, type Config, type Cooperation, type Partner } from '../shared/config/schema';

/**
 * Lambda caps all environment variables of a function at 4 KB together. The config gets at most
 * this much, leaving room for the table and bucket names and the runtime's own variables.
 */
export const MAX_CONFIG_ENV_BYTES = 3500;

export class PartnerConfigError extends Error {
  override readonly name = 'PartnerConfigError';
}

/** Partners that own at least one cooperation: each gets a stack. */
export const owningPartners = (config: Config): Partner[] =>
  config.partners.filter((p) => config.cooperations.some((c) => c.owner === p.id));

/** The cooperations a partner owns. */
export const ownedCooperations = (config: Config, partnerId: string): Cooperation[] =>
  config.cooperations.filter((c) => c.owner === partnerId);

/**
 * The config as the owner's functions see it: only its cooperations and the partners they involve.
 * Re-validated here so a config that would fail the functions' cold-start check fails synthesis.
 */
export const trimConfigFor = (config: Config, ownerId: string): Config => {
  const cooperations = ownedCooperations(config, ownerId);
  if (cooperations.length === 0) {
    throw new PartnerConfigError(`partner "${ownerId}" owns no cooperation: there is nothing to deploy for it`);
  }
  const involved = new Set(cooperations.flatMap((c) => c.partners));
  const trimmed = {
    partners: config.partners.filter((p) => involved.has(p.id)),
    cooperations,
    ingest: config.ingest,
  };
  const parsed = configSchema.safeParse(trimmed);
  if (!parsed.success) {
    throw new PartnerConfigError(
      `the config trimmed to partner "${ownerId}" is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
    );
  }
  return parsed.data;
};

/** CROSSLIFT_CONFIG for an owner's functions, or a synthesis error naming the partner when it is too big. */
export const configEnvFor = (config: Config, ownerId: string): string => {
  const json = JSON.stringify(trimConfigFor(config, ownerId));
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_CONFIG_ENV_BYTES) {
    throw new PartnerConfigError(
      `the config of partner "${ownerId}" is ${bytes} bytes as JSON, over the ${MAX_CONFIG_ENV_BYTES}-byte budget for ` +
        'CROSSLIFT_CONFIG (Lambda allows 4 KB of environment variables in total): shorten names, targets or recipients, ' +
        'or split its cooperations between owners',
    );
  }
  return json;
};
