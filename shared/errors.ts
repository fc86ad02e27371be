/**
 * Errors carry a fixed message and structured data; the data never holds row values.
 * Callers match on `name` (or `instanceof`), and logs print `details` as fields.
 */
export class CrossliftError extends Error {
  override readonly name: string = 'CrossliftError';
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.details = details;
  }
}

/** The configuration file is missing, unreadable or does not match the schema. */
export class ConfigError extends CrossliftError {
  override readonly name = 'ConfigError';
}

/** An environment variable a function needs is missing or malformed. */
export class SettingsError extends CrossliftError {
  override readonly name = 'SettingsError';
}

/** Storage failed in a way a retry may fix (the invocation must fail so Lambda retries it). */
export class StorageError extends CrossliftError {
  override readonly name = 'StorageError';
}

/** The event a function received does not have the expected shape. */
export class EventShapeError extends CrossliftError {
  override readonly name = 'EventShapeError';
}
