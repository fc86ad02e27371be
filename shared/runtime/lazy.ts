/** Builds a value on first use and keeps it: the Lambda cold-start pattern, without module side effects. */
export const lazy = <T>(build: () => T): (() => T) => {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
};

/**
 * lazy for a value built asynchronously (a runtime whose SDK packages load on first use): one
 * build at a time, kept once it succeeds; a failed build is not kept, so the next call retries.
 */
export const lazyAsync = <T>(build: () => Promise<T>): (() => Promise<T>) => {
  let value: Promise<T> | undefined;
  return () =>
    (value ??= build().catch((error: unknown) => {
      value = undefined;
      throw error;
    }));
};
