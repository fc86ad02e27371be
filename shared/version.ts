import packageJson from '../package.json' with { type: 'json' };

/** Recorded in every report's manifest so a report can be reproduced with the same code. */
export const CROSSLIFT_VERSION: string = packageJson.version;
