import { writeFileSync } from 'node:fs';
import { renderConfigJsonSchema } from '../../shared/config/json-schema';
import { UsageError, writeResult } from '../output';

/** `crosslift schema`: the JSON Schema of crosslift.config.yaml, on stdout or into a file. */
export const schemaCommand = async (flags: { readonly out?: string }): Promise<number> => {
  const schema = renderConfigJsonSchema();
  if (flags.out === undefined) {
    writeResult(schema);
    return 0;
  }
  try {
    writeFileSync(flags.out, schema);
  } catch (error) {
    throw new UsageError(
      `cannot write ${flags.out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return 0;
};
