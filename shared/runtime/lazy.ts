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
