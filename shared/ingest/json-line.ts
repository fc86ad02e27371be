/**
 * The NDJSON fast path: one line holding a flat JSON object, read in place.
 *
 * `JSON.parse` builds an object of strings and numbers for every line (~0.5 us for a small
 * line, more than half of the NDJSON ingest), only for the row contract to read a few keys
 * of it. This reader walks the line once, character by character, and notes where each key of
 * the contract has its value (a string's range, a number, true, false or null), skipping the
 * values of other keys. It reads a strict subset of JSON: an object whose values are strings
 * without escapes, numbers, true, false or null, with JSON's whitespace. On anything else (an
 * escape, a nested object or array, any syntax error) it gives up and the caller parses the
 * line with `JSON.parse`, which then decides: so a line it reads is always one `JSON.parse`
 * reads to an object with those very values (property-tested against `JSON.parse`).
 */

/** What a key of the contract had on the line (`JsonLineReader.kinds`). */
export const JsonKind = { Absent: 0, String: 1, Number: 2, True: 3, False: 4, Null: 5 } as const;

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** Skips JSON whitespace other than line breaks (a line holds none): spaces and tabs. */
const skipFrom = (t: string, p: number, end: number): number => {
  while (p < end) {
    const c = t.charCodeAt(p);
    if (c !== 32 && c !== 9) break;
    p += 1;
  }
  return p;
};

/**
 * skipFrom, with the usual case (no whitespace: compact writers) settled by one comparison.
 * Callers check the result against `end` (a character past it may be anything).
 */
const skip = (t: string, p: number, end: number): number => (t.charCodeAt(p) > 32 ? p : skipFrom(t, p, end));

/**
 * Where a JSON string starting after its opening quote at `p` closes, or -1 when it holds an
 * escape or a control character (JSON.parse refuses the latter) or does not close on the line.
 */
const stringEnd = (t: string, p: number, end: number): number => {
  for (; p < end; p += 1) {
    const c = t.charCodeAt(p);
    // One test for the usual character: anything above the quote but the backslash.
    if (c > 34 && c !== 92) continue;
    if (c === 34) return p;
    if (c < 32 || c === 92) return -1;
  }
  return -1;
};

/** Whether `word` is written in t at `start`. */
const sameText = (t: string, start: number, word: string): boolean => {
  for (let j = 0; j < word.length; j += 1) if (t.charCodeAt(start + j) !== word.charCodeAt(j)) return false;
  return true;
};

/** Reads the values of a fixed set of keys from lines holding flat JSON objects. */
export class JsonLineReader {
  /** Per key of the contract: its kind on the line just read, and where or what its value is. */
  readonly kinds: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly numbers: Float64Array;
  /** Which key of the contract came at each member position on the line read last. */
  private readonly order: (number | undefined)[] = [];
  /** The keys by length, for matching a key text without making a string of it. */
  private readonly byLength: (number[] | undefined)[] = [];

  constructor(private readonly keys: readonly string[]) {
    const n = keys.length;
    this.kinds = new Uint8Array(n);
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.numbers = new Float64Array(n);
    keys.forEach((key, i) => {
      (this.byLength[key.length] ??= []).push(i);
    });
  }

  /** Which key of the contract text[start, end) is (a key text without escapes), or -1. */
  private slotOf(t: string, start: number, end: number): number {
    const candidates = this.byLength[end - start];
    if (candidates === undefined) return -1;
    for (const i of candidates) {
      const key = this.keys[i]!;
      let same = true;
      for (let j = 0; j < key.length; j += 1) {
        if (t.charCodeAt(start + j) !== key.charCodeAt(j)) {
          same = false;
          break;
        }
      }
      if (same) return i;
    }
    return -1;
  }

  /**
   * Reads the line text[start, end) (no line break inside). True when it is a flat JSON object
   * this reader takes: `kinds` and the rest then describe each key's value (the last one, when a
   * key repeats, as JSON.parse keeps it). False: leave the line to JSON.parse.
   */
  read(t: string, start: number, end: number): boolean {
    const kinds = this.kinds;
    for (let i = 0; i < kinds.length; i += 1) kinds[i] = JsonKind.Absent;
    let p = skip(t, start, end);
    if (p >= end || t.charCodeAt(p) !== 123) return false;
    p = skip(t, p + 1, end);
    if (p < end && t.charCodeAt(p) === 125) return skip(t, p + 1, end) === end;
    let at = 0; // the member's position on the line
    for (;;) {
      // "key": first the key that came next on the line before (lines mostly repeat their layout)
      if (p >= end || t.charCodeAt(p) !== 34) return false;
      let slot = -1;
      let keyEnd = -1;
      const guess = this.order[at];
      if (guess !== undefined) {
        const key = this.keys[guess]!;
        const close = p + 1 + key.length;
        if (close < end && t.charCodeAt(close) === 34 && sameText(t, p + 1, key)) {
          slot = guess;
          keyEnd = close;
        }
      }
      if (keyEnd < 0) {
        keyEnd = stringEnd(t, p + 1, end);
        if (keyEnd < 0) return false;
        slot = this.slotOf(t, p + 1, keyEnd);
        this.order[at] = slot < 0 ? undefined : slot;
      }
      at += 1;
      p = keyEnd + 1;
      if (t.charCodeAt(p) <= 32) p = skipFrom(t, p, end);
      if (p >= end || t.charCodeAt(p) !== 58) return false;
      p += 1;
      if (t.charCodeAt(p) <= 32) p = skipFrom(t, p, end);
      if (p >= end) return false;
      // value
      let c = t.charCodeAt(p);
      if (c === 34) {
        const close = stringEnd(t, p + 1, end);
        if (close < 0) return false;
        if (slot >= 0) {
          kinds[slot] = JsonKind.String;
          this.starts[slot] = p + 1;
          this.ends[slot] = close;
        }
        p = close + 1;
      } else if (c === 45 || (c >= 48 && c <= 57)) {
        // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        const from = p;
        const negative = c === 45;
        if (negative) {
          p += 1;
          if (p >= end) return false;
          c = t.charCodeAt(p);
        }
        let mantissa = 0;
        let digits = 0;
        let scale = 0;
        if (c === 48) {
          p += 1;
          digits = 1;
        } else if (c >= 49 && c <= 57) {
          for (; p < end; p += 1) {
            c = t.charCodeAt(p);
            if (c < 48 || c > 57) break;
            mantissa = mantissa * 10 + (c - 48);
            digits += 1;
          }
        } else return false;
        if (p < end && t.charCodeAt(p) === 46) {
          p += 1;
          const fraction = p;
          for (; p < end; p += 1) {
            c = t.charCodeAt(p);
            if (c < 48 || c > 57) break;
            mantissa = mantissa * 10 + (c - 48);
            digits += 1;
            scale += 1;
          }
          if (p === fraction) return false;
        }
        let plain = true;
        if (p < end && (t.charCodeAt(p) | 32) === 101) {
          plain = false;
          p += 1;
          if (p < end && (t.charCodeAt(p) === 43 || t.charCodeAt(p) === 45)) p += 1;
          const exponent = p;
          for (; p < end; p += 1) {
            c = t.charCodeAt(p);
            if (c < 48 || c > 57) break;
          }
          if (p === exponent) return false;
        }
        if (slot >= 0) {
          let n: number;
          if (plain && digits <= 15) {
            // An exact integer below 2^53 over an exact power of ten: one correctly rounded
            // division, which is the double the decimal text denotes (what JSON.parse gives).
            n = scale === 0 ? mantissa : mantissa / POW10[scale]!;
            if (negative) n = -n;
          } else n = Number(t.slice(from, p));
          kinds[slot] = JsonKind.Number;
          this.numbers[slot] = n;
        }
      } else if (c === 116) {
        if (end - p < 4 || t.charCodeAt(p + 1) !== 114 || t.charCodeAt(p + 2) !== 117 || t.charCodeAt(p + 3) !== 101)
          return false;
        if (slot >= 0) kinds[slot] = JsonKind.True;
        p += 4;
      } else if (c === 102) {
        if (
          end - p < 5 ||
          t.charCodeAt(p + 1) !== 97 ||
          t.charCodeAt(p + 2) !== 108 ||
          t.charCodeAt(p + 3) !== 115 ||
          t.charCodeAt(p + 4) !== 101
        ) {
          return false;
        }
        if (slot >= 0) kinds[slot] = JsonKind.False;
        p += 5;
      } else if (c === 110) {
        if (end - p < 4 || t.charCodeAt(p + 1) !== 117 || t.charCodeAt(p + 2) !== 108 || t.charCodeAt(p + 3) !== 108)
          return false;
        if (slot >= 0) kinds[slot] = JsonKind.Null;
        p += 4;
      } else return false; // an object, an array, or not JSON: JSON.parse decides
      if (t.charCodeAt(p) <= 32) p = skipFrom(t, p, end);
      if (p >= end) return false;
      c = t.charCodeAt(p);
      if (c === 44) {
        p += 1;
        if (t.charCodeAt(p) <= 32) p = skipFrom(t, p, end);
        continue;
      }
      if (c === 125) return skip(t, p + 1, end) === end;
      return false;
    }
  }
}
