import { accessSync, constants, statSync } from 'node:fs';
import { UsageError } from './output';

/** The argument names an IANA timezone Node knows (what the ingest's day resolver needs). */
export const checkTimezone = (value: string, flag = '--timezone'): string => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
  } catch {
    throw new UsageError(`${flag} expects an IANA timezone such as Asia/Shanghai or UTC, not "${value}"`);
  }
  return value;
};

export const checkCurrency = (value: string): string => {
  if (!/^[A-Z]{3}$/.test(value))
    throw new UsageError(`--currency expects an ISO 4217 code such as CNY, not "${value}"`);
  return value;
};

/** A file or folder the user named exists and can be read. */
export const checkReadable = (path: string, what: 'file' | 'folder' | 'file or folder' = 'file'): 'file' | 'folder' => {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    throw new UsageError(`no such ${what}: ${path}`);
  }
  if (what === 'file' && isFolder) throw new UsageError(`${path} is a folder, expected a file`);
  if (what === 'folder' && !isFolder) throw new UsageError(`${path} is a file, expected a folder`);
  try {
    accessSync(path, isFolder ? constants.R_OK | constants.X_OK : constants.R_OK);
  } catch {
    throw new UsageError(`cannot read ${path} (permission denied)`);
  }
  return isFolder ? 'folder' : 'file';
};

/** A port number, 0 meaning any free port. */
export const checkPort = (value: string, flag: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535)
    throw new UsageError(`${flag} expects a port number from 0 to 65535, not "${value}"`);
  return n;
};
