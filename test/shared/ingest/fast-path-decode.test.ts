import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyStreamError, decodeText } from '../../../shared/ingest/decode';

/**
 * decodeText skips the decoder for pure ASCII chunks; whatever the chunking, the text must be
 * what one TextDecoder gives for the whole file (one leading BOM dropped), and bad bytes must
 * still be refused.
 */

const decodeAll = async (chunks: Buffer[]): Promise<string | string> => {
  const { text } = decodeText(Readable.from(chunks), { gzip: false, maxUncompressedBytes: 10_000_000 });
  let out = '';
  try {
    for await (const part of text) out += part as string;
  } catch (error) {
    return `REJECTED: ${(classifyStreamError(error) as { reason?: string }).reason ?? 'read error'}`;
  }
  return out;
};

const reference = (bytes: Buffer): string => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'REJECTED';
  }
};

/** The reason the decoder-only reading gave for the same chunks (before the ASCII shortcut). */
const referenceReason = (chunks: Buffer[]): string => {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  for (const chunk of chunks) {
    try {
      decoder.decode(chunk, { stream: true });
    } catch {
      return `file is not valid UTF-8 (near byte ${offset}); save it as UTF-8`;
    }
    offset += chunk.length;
  }
  try {
    decoder.decode();
  } catch {
    return 'file is not valid UTF-8 (it ends inside a character); save it as UTF-8';
  }
  return 'valid';
};

const split = (bytes: Buffer, at: number[]) => {
  const points = [...new Set(at.map((p) => Math.floor(p * bytes.length)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  chunks.push(bytes.subarray(from));
  return chunks.filter((c) => c.length > 0);
};

describe('decodeText: ASCII chunks skip the decoder, same text (property)', () => {
  const piece = fc.constantFrom('a', 'b,c', '\n', '\r\n', '\uFEFF', 'é', '张', '😀', '1.5', ' ');
  const cuts = fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { maxLength: 8 });

  it('gives the whole-file TextDecoder text for valid UTF-8, however it is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: piece, maxLength: 30 }), cuts, async (text, at) => {
        const bytes = Buffer.from(text, 'utf8');
        expect(await decodeAll(split(bytes, at))).toBe(reference(bytes));
      }),
      { numRuns: 1500 },
    );
  });

  it('refuses invalid or cut UTF-8 wherever the chunks fall', async () => {
    const bad = fc.constantFrom([0xc3, 0x28], [0xe5, 0xbc], [0xff], [0xc3]);
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: piece, maxLength: 12 }),
        bad,
        fc.string({ unit: piece, maxLength: 12 }),
        cuts,
        async (a, b, c, at) => {
          const bytes = Buffer.concat([Buffer.from(a), Buffer.from(b), Buffer.from(c)]);
          const chunks = split(bytes, at);
          expect(reference(bytes)).toBe('REJECTED');
          expect(await decodeAll(chunks)).toBe(`REJECTED: ${referenceReason(chunks)}`);
        },
      ),
      { numRuns: 500 },
    );
  });
});
