/** S3's own limit on an object key, in UTF-8 bytes. */
export const S3_MAX_KEY_BYTES = 1024;
/** A file or folder name on the local disk (ext4, APFS, NTFS): 255 bytes. */
const NAME_MAX_BYTES = 255;
/** s3rver stores `<name>._S3rver_metadata.json` beside each object: its longest suffix. */
const S3RVER_SUFFIX_BYTES = '._S3rver_metadata.json'.length;

/**
 * Why the embedded stack cannot store a key (or undefined when it can). S3 takes keys up to
 * 1024 bytes, but s3rver keeps each object as files named after the key's segments, so a long
 * file name fails there with ENAMETOOLONG, which s3rver does not handle (the process crashed).
 * `run` and `dev` check every key before uploading it.
 */
export const localKeyProblem = (key: string): string | undefined => {
  const bytes = Buffer.byteLength(key);
  if (bytes > S3_MAX_KEY_BYTES) return `the key is ${bytes} bytes long; S3 takes keys up to ${S3_MAX_KEY_BYTES} bytes`;
  const segments = key.split('/');
  for (const [i, segment] of segments.entries()) {
    const limit = NAME_MAX_BYTES - (i === segments.length - 1 ? S3RVER_SUFFIX_BYTES : 0);
    const length = Buffer.byteLength(segment);
    if (length > limit) {
      return `the ${i === segments.length - 1 ? 'file' : 'folder'} name "${segment.slice(0, 24)}..." is ${length} bytes long; the local stack stores objects as files and takes names up to ${limit} bytes (S3 itself takes keys up to ${S3_MAX_KEY_BYTES} bytes): shorten it`;
    }
  }
  return undefined;
};
