// s3rver's account registry (lib/models/account.js), used by the local stack to accept any access key.
declare module 's3rver/lib/models/account.js' {
  interface S3rverAccount {
    readonly accessKeys: Map<string, string>;
  }
  const S3rverAccount: {
    registry: Map<string, S3rverAccount>;
    DUMMY_ACCOUNT: S3rverAccount;
  };
  export default S3rverAccount;
}
