import type { Config, Cooperation, Partner } from '../config/schema';
import { isDatasetName, type DatasetName } from '../datasets/names';
import { fileKindOf, FILE_EXTENSIONS, type FileKind } from './formats';

export const INBOX_PREFIX = 'inbox/';
export const REJECTED_PREFIX = 'reports/rejected/';

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
  | { ok: false; reason: string; cooperationId?: string; partner?: Partner };

/**
 * Routes an object key `inbox/<cooperationId>/<partnerId>/<dataset>/<file>` to its cooperation,
 * partner and dataset, or says why it cannot be routed.
 */
export const parseDropKey = (key: string, config: Config): KeyParse => {
  const layout = `expected inbox/<cooperation>/<partner>/<dataset>/<file>`;
  const parts = key.split('/');
  if (parts[0] !== 'inbox' || parts.length !== 5) return { ok: false, reason: `key is outside the drop layout: ${layout}` };
  const [, cooperationId, partnerId, dataset, fileName] = parts as [string, string, string, string, string];
  if (parts.some((p) => p === '' || p === '.' || p === '..')) {
    return { ok: false, reason: `key has an empty, "." or ".." segment: ${layout}` };
  }
  const cooperation = config.cooperations.find((c) => c.id === cooperationId);
  const partner = config.partners.find((p) => p.id === partnerId);
  if (!cooperation) return { ok: false, reason: `unknown cooperation "${cooperationId}"`, partner };
  if (!partner || !cooperation.partners.includes(partnerId)) {
    return { ok: false, reason: `"${partnerId}" is not a partner of cooperation ${cooperationId}`, cooperationId };
  }
  if (!isDatasetName(dataset)) {
    return { ok: false, reason: `unknown dataset "${dataset}"`, cooperationId, partner };
  }
  const kind = fileKindOf(fileName);
  if (!kind) {
    return { ok: false, reason: `unsupported file type: expected one of ${FILE_EXTENSIONS.join(', ')}`, cooperationId, partner };
  }
  return { ok: true, drop: { key, cooperation, partner, dataset, fileName, kind } };
};

/** Where the error report of a rejected or partly rejected file goes. */
export const rejectionReportKey = (key: string) => `${REJECTED_PREFIX}${key}.errors.json`;
