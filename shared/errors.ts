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

/** The base of an error class whose `name` is its class name (what logs and callers match on). */
const named = <const Name extends string>(name: Name) =>
  class extends CrossliftError {
    override readonly name: Name = name;
  };

/** The configuration file is missing, unreadable or does not match the schema. */
export class ConfigError extends named('ConfigError') {}

/** An environment variable a function needs is missing or malformed. */
export class SettingsError extends named('SettingsError') {}

/** Storage failed in a way a retry may fix (the invocation must fail so Lambda retries it). */
export class StorageError extends named('StorageError') {}

/** The event a function received does not have the expected shape. */
export class EventShapeError extends named('EventShapeError') {}

/** A problem with a whole file: nothing of it is taken. The reason is shown to the partner (never a row value). */
export class FileRejection extends named('FileRejection') {
  constructor(
    readonly reason: string,
    readonly line?: number,
  ) {
    super(reason, line === undefined ? {} : { line });
  }
}

/** Reading the object failed half-way (network, truncated body): retryable, never a verdict on the file. */
export class SourceReadError extends named('SourceReadError') {}

/** Some records of an S3 event failed for a reason a retry can fix: the invocation fails so Lambda retries. */
export class IngestFailedError extends named('IngestFailedError') {}

/** SES failed to take an email; the claim was released so the retry sends it. */
export class DeliveryError extends named('DeliveryError') {}

/** Another invocation claimed a report email and has not confirmed it: fail, so Lambda retries after the lease. */
export class DeliveryPendingError extends named('DeliveryPendingError') {}

/** A schedule or command named a cooperation the config does not have. */
export class UnknownCooperationError extends named('UnknownCooperationError') {}

/**
 * Reconcile found most recorded files missing from the bucket at once and did not withdraw them
 * (a replaced or emptied bucket looks like that); details say how many. The other repairs were made.
 */
export class RemovalWithheldError extends named('RemovalWithheldError') {}
