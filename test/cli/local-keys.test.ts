import { describe, expect, it } from 'vitest';
import { localKeyProblem } from '../../cli/local-keys';

describe('localKeyProblem', () => {
  it('accepts keys the local disk can hold, up to 233 bytes of file name', () => {
    // Act + Assess
    expect(localKeyProblem('inbox/c/p/feedback/a.csv')).toBeUndefined();
    expect(localKeyProblem(`inbox/c/p/feedback/${'a'.repeat(229)}.csv`)).toBeUndefined();
  });

  it('counts bytes, not characters, and names the segment that is too long', () => {
    // Prepare: 78 Chinese characters are 234 UTF-8 bytes.
    const chinese = `inbox/c/p/feedback/${'报'.repeat(78)}`;
    const folder = `inbox/c/${'p'.repeat(256)}/feedback/a.csv`;
    // Act + Assess
    expect(localKeyProblem(chinese)).toMatch(/^the file name "报{24}\.\.\." is 234 bytes long; .* up to 233 bytes/);
    expect(localKeyProblem(folder)).toMatch(/^the folder name "p{24}\.\.\." is 256 bytes long; .* up to 255 bytes/);
  });

  it("refuses keys over S3's own 1024 bytes", () => {
    // Prepare
    const key = `inbox/${Array.from({ length: 10 }, () => 'x'.repeat(120)).join('/')}/a.csv`;
    // Act + Assess
    expect(localKeyProblem(key)).toBe(
      `the key is ${Buffer.byteLength(key)} bytes long; S3 takes keys up to 1024 bytes`,
    );
  });
});
