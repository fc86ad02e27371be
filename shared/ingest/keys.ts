import type { Config, Cooperation, Partner } from '../config/schema';
import { isDatasetName, type DatasetName } from '../datasets/names';
import { fitKey, KEY_LIMIT_BYTES } from '../storage/fit-key';
import { fileKindOf, FILE_EXTENSIONS, type FileKind } from './formats';

export const INBOX_PREFIX = 'inbox/';
export const REJECTED_PREFIX = 'reports/rejected/';
const REPORT_SUFFIX = '.errors.json';

/**
 * The longest key crosslift ingests, in UTF-8 bytes: 995. Its error report
 * (`reports/rejected/<key>.errors.json`) must fit S3's 1,024-byte key limit, and its ledger record
 * (`FILE#<key>`) DynamoDB's 1,024-byte sort-key limit; the report's 29 extra bytes bind first.
 */
export const MAX_DROP_KEY_BYTES = KEY_LIMIT_BYTES - REJECTED_PREFIX.length - REPORT_SUFFIX.length;

/** C0 and C1 control characters and DEL: CR and LF do not survive S3's XML listings, and none belongs in an email. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

export interface DropKey {
  readonly key: string;
  readonly cooperation: Cooperation;
  readonly partner: Partner;
  readonly dataset: DatasetName;
  readonly fileName: string;
  readonly kind: FileKind;
}

export type KeyParse =
  | { ok: true; drop: DropKey }
  | {
      ok: false;
      reason: string;
      /** The cooperation the key names, when the config has it. */
      cooperationId?: string;
      /** The partner the key names: known to the config (and, with a cooperation id, a partner of it). */
      partner?: Partner;
    };

const LAYOUT = 'expected inbox/<cooperation>/<partner>/<dataset>/<file>';

/** A rejection reason for a key crosslift cannot take whatever its config, or undefined. */
const keyProblem = (key: string, parts: readonly string[]): string | undefined => {
  const control = CONTROL_CHARACTER.exec(key);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    const why = 'S3 listings and emails cannot carry it faithfully; rename the file';
    return `key has a control character (U+${code}): ${why}`;
  }
  // S3 keeps such keys as they are, but file systems and URL paths resolve them into another prefix.
  if (parts.some((p) => p === '.' || p === '..')) return `key has a "." or ".." segment: ${LAYOUT}`;
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_DROP_KEY_BYTES) {
    return (
      `key is ${bytes} bytes long; crosslift takes keys up to ${MAX_DROP_KEY_BYTES} bytes (UTF-8), so that its ` +
      `ledger record and error report fit the 1,024-byte key limits of DynamoDB and S3: shorten the file name`
    );
  }
  if (parts[0] !== 'inbox' || parts.length !== 5) return `key is outside the drop layout: ${LAYOUT}`;
  if (parts.some((p) => p === '')) {
    return `key has an empty segment (two slashes in a row, or a trailing slash): ${LAYOUT}`;
  }
  return undefined;
};

/**
 * Routes an object key `inbox/<cooperationId>/<partnerId>/<dataset>/<file>` to its cooperation,
 * partner and dataset, or says why it cannot be routed. A refused key under a known partner's
 * prefix names the cooperation and the partner, so the partner can be told.
 */
export const parseDropKey = (key: string, config: Config): KeyParse => {
  const parts = key.split('/');
  const [, cooperationId = '', partnerId = '', dataset = '', fileName = ''] = parts;
  const cooperation = parts[0] === 'inbox' ? config.cooperations.find((c) => c.id === cooperationId) : undefined;
  const partner = parts[0] === 'inbox' ? config.partners.find((p) => p.id === partnerId) : undefined;
  const member = cooperation && partner && cooperation.partners.includes(partner.id) ? partner : undefined;
  const refuse = (reason: string): KeyParse => ({
    ok: false,
    reason,
    ...(cooperation ? { cooperationId: cooperation.id } : {}),
    ...(cooperation ? (member ? { partner: member } : {}) : partner ? { partner } : {}),
  });

  const problem = keyProblem(key, parts);
  if (problem) return refuse(problem);
  if (!cooperation) return refuse(`unknown cooperation "${cooperationId}"`);
  if (!member) return refuse(`"${partnerId}" is not a partner of cooperation ${cooperation.id}`);
  if (!isDatasetName(dataset)) return refuse(`unknown dataset "${dataset}"`);
  const delivers = cooperation.delivers?.[member.id];
  if (delivers && !delivers.includes(dataset)) {
    const allowed = delivers.join(', ');
    return refuse(`"${member.id}" does not deliver ${dataset} in cooperation ${cooperationId}: it delivers ${allowed}`);
  }
  const kind = fileKindOf(fileName);
  if (!kind) return refuse(`unsupported file type: expected one of ${FILE_EXTENSIONS.join(', ')}`);
  return { ok: true, drop: { key, cooperation, partner: member, dataset, fileName, kind } };
};

/**
 * Where the error report of a rejected or partly rejected file goes: next to its key under
 * `reports/rejected/`. A key too long for that (only keys routing refuses) gets a shortened name
 * that keeps the start of the key, so the report stays under the partner's prefix.
 */
export const rejectionReportKey = (key: string) =>
  `${fitKey(`${REJECTED_PREFIX}${key}`, KEY_LIMIT_BYTES - REPORT_SUFFIX.length)}${REPORT_SUFFIX}`;
