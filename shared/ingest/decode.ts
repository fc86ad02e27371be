import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { FileRejection, SourceReadError } from '../errors';

export interface DecodeOptions {
  readonly gzip: boolean;
  readonly maxUncompressedBytes: number;
}

export interface DecodeStats {
  /** sha256 of the stored bytes (compressed, as in S3): the file's content identity. */
  contentHash: string;
  storedBytes: number;
  uncompressedBytes: number;
}

/**
 * Whether valid UTF-8 bytes end on a character boundary (the decoder then holds nothing).
 * Conservative: false when the chunk is too short to tell.
 */
const endsOnCharacter = (chunk: Buffer): boolean => {
  for (let i = chunk.length - 1, seen = 0; i >= 0 && seen < 4; i -= 1, seen += 1) {
    const byte = chunk[i]!;
    if (byte < 0x80) return true; // ASCII: a whole character
    if (byte >= 0xc0) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return chunk.length - i === length;
    }
  }
  return false;
};

/** How far the source may read ahead of the parser (bytes). */
const READ_AHEAD = 1024 * 1024;

const formatBytes = (n: number) => (n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(0)} MiB` : `${n} bytes`);

/**
 * Maps a stream failure to what it means for the file: a FileRejection (the file itself is bad)
 * or a SourceReadError (reading failed; the event must be retried).
 */
export const classifyStreamError = (error: unknown): FileRejection | SourceReadError => {
  if (error instanceof FileRejection || error instanceof SourceReadError) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new FileRejection('file is not a complete gzip stream (truncated or corrupt); upload it again');
  }
  return new SourceReadError(
    'reading the object failed',
    { code: typeof code === 'string' ? code : undefined },
    { cause: error },
  );
};

/**
 * Turns the stored bytes into UTF-8 text chunks: hashes them, gunzips `.gz`, enforces the
 * uncompressed size limit (compression bombs), and refuses UTF-16, NUL bytes and invalid UTF-8
 * with one clear reason. Streams throughout: memory does not grow with the file.
 * Errors surface on the returned stream; pass them through `classifyStreamError`.
 */
export const decodeText = (source: Readable, options: DecodeOptions): { text: Readable; stats: () => DecodeStats } => {
  const hash = createHash('sha256');
  const stats = { contentHash: '', storedBytes: 0, uncompressedBytes: 0 };

  const hashStored = (chunk: Buffer) => {
    hash.update(chunk);
    stats.storedBytes += chunk.length;
  };
  // Gzip: the stored bytes are hashed before gunzip. Plain: toText hashes them itself (one
  // stream stage fewer for every chunk).
  const tap = options.gzip
    ? new Transform({
        // Up to READ_AHEAD bytes may wait here, so the source keeps reading (from disk, from the
        // network) while the chunks before are parsed, instead of after each one.
        highWaterMark: READ_AHEAD,
        transform(chunk: Buffer, _enc, done) {
          hashStored(chunk);
          done(null, chunk);
        },
        flush(done) {
          stats.contentHash = hash.digest('hex');
          done();
        },
      })
    : undefined;

  // `fatal` makes TextDecoder throw on the first invalid sequence instead of inserting U+FFFD.
  // The BOM is dropped here rather than by the decoder, which may first see the file mid-way.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let first = true;
  let atStart = true;
  // True while the decoder holds no part of a character: a pure ASCII chunk can then skip it.
  let clean = true;
  const emit = (text: string): string | undefined => {
    if (atStart && text !== '') {
      atStart = false;
      if (text.charCodeAt(0) === 0xfeff) return text.slice(1);
    }
    return text;
  };
  const toText = new Transform({
    readableObjectMode: true,
    // As the tap's (above): the source reads ahead while the parser works.
    writableHighWaterMark: READ_AHEAD,
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      if (tap === undefined) hashStored(chunk);
      stats.uncompressedBytes += chunk.length;
      if (stats.uncompressedBytes > options.maxUncompressedBytes) {
        done(
          new FileRejection(
            `file is larger than the limit of ${formatBytes(options.maxUncompressedBytes)} uncompressed; split it into smaller files`,
          ),
        );
        return;
      }
      if (first) {
        first = false;
        if (
          chunk.length >= 2 &&
          ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))
        ) {
          done(new FileRejection('file is UTF-16 encoded; save it as UTF-8'));
          return;
        }
      }
      if (chunk.includes(0)) {
        done(new FileRejection('file contains NUL bytes: it is binary or not UTF-8 text; save it as UTF-8'));
        return;
      }
      if (clean && isAscii(chunk)) {
        done(null, emit(chunk.toString('latin1')));
        return;
      }
      try {
        const text = decoder.decode(chunk, { stream: true });
        clean = endsOnCharacter(chunk);
        done(null, emit(text));
      } catch {
        done(
          new FileRejection(
            `file is not valid UTF-8 (near byte ${stats.uncompressedBytes - chunk.length}); save it as UTF-8`,
          ),
        );
      }
    },
    flush(done) {
      if (tap === undefined) stats.contentHash = hash.digest('hex');
      try {
        const rest = emit(decoder.decode());
        done(null, rest === '' ? undefined : rest);
      } catch {
        done(new FileRejection('file is not valid UTF-8 (it ends inside a character); save it as UTF-8'));
      }
    },
  });

  // Gunzip in 64 KiB chunks (zlib's default is 16 KiB): a quarter of the chunks for the parser.
  const stages: NodeJS.ReadWriteStream[] = tap ? [tap, createGunzip({ chunkSize: 64 * 1024 }), toText] : [toText];
  // pipeline destroys every stage on the first error, so a rejected bomb stops reading at once.
  (pipeline as (...args: unknown[]) => void)(source, ...stages, () => {});
  return { text: toText, stats: () => ({ ...stats }) };
};
