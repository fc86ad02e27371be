import * as z from 'zod';
import { configSchema, type Config } from '../config/schema';
import { SettingsError } from '../errors';

/**
 * Everything a function reads from its environment, validated once at cold start.
 * The config travels as JSON in CROSSLIFT_CONFIG (the owner's cooperations only, set at deploy).
 */
export const envSchema = z.object({
  AWS_REGION: z.string().min(1),
  CROSSLIFT_TABLE: z.string().min(1),
  /** Only the functions that read or write objects (ingest, reconcile) need the bucket. */
  CROSSLIFT_BUCKET: z.string().min(1).optional(),
  CROSSLIFT_CONFIG: z.string().min(2),
  POWERTOOLS_LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).optional(),
});

export interface FunctionSettings {
  readonly region: string;
  readonly tableName: string;
  readonly bucketName?: string;
  readonly config: Config;
}

/** Reads the settings or fails with one message naming every missing or bad variable. */
export function settingsFromEnv(
  env: Record<string, string | undefined>,
  needs: { bucket: true },
): FunctionSettings & { readonly bucketName: string };
export function settingsFromEnv(
  env?: Record<string, string | undefined>,
  needs?: { bucket: boolean },
): FunctionSettings;
export function settingsFromEnv(
  env: Record<string, string | undefined> = process.env,
  needs: { bucket: boolean } = { bucket: false },
): FunctionSettings {
  const schema = needs.bucket ? envSchema.required({ CROSSLIFT_BUCKET: true }) : envSchema;
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => `${String(i.path[0])} (${i.message})`);
    throw new SettingsError(`bad environment: ${names.join(', ')}`, {
      variables: parsed.error.issues.map((i) => i.path[0]),
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(parsed.data.CROSSLIFT_CONFIG);
  } catch (cause) {
    throw new SettingsError(
      'bad environment: CROSSLIFT_CONFIG (expected JSON)',
      { variables: ['CROSSLIFT_CONFIG'] },
      { cause },
    );
  }
  const config = configSchema.safeParse(json);
  if (!config.success) {
    throw new SettingsError(`bad environment: CROSSLIFT_CONFIG (${config.error.issues[0]?.message ?? 'invalid'})`, {
      variables: ['CROSSLIFT_CONFIG'],
    });
  }
  return {
    region: parsed.data.AWS_REGION,
    tableName: parsed.data.CROSSLIFT_TABLE,
    ...(parsed.data.CROSSLIFT_BUCKET ? { bucketName: parsed.data.CROSSLIFT_BUCKET } : {}),
    config: config.data,
  };
}
