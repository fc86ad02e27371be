import * as z from 'zod';
import { configSchema } from './schema';

/** The JSON Schema editors use to validate and complete crosslift.config.yaml. */
export const renderConfigJsonSchema = (): string =>
  `${JSON.stringify(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }), null, 2)}\n`;
