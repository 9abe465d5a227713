/**
 * Deployments for the checkpoint validation tests, built here rather than read from files: small,
 * in dependency order (as Pulumi writes them), and each using the fields a test is about.
 */

type Json = Record<string, unknown>;

export const STACK_URN = "urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev";
export const PROVIDER_URN = "urn:pulumi:dev::shop::pulumi:providers:aws::default_6_0_0";
export const PROVIDER_ID = "8c1f0f4e-6c1a-4b8e-9d52-1b2a3c4d5e6f";
export const PROVIDER_REF = `${PROVIDER_URN}::${PROVIDER_ID}`;
export const BUCKET_URN = "urn:pulumi:dev::shop::aws:s3/bucket:Bucket::assets";
export const OBJECT_URN = "urn:pulumi:dev::shop::aws:s3/bucketObject:BucketObject::index";

export const SIG = "4dabf18193072939515e22adb298388d";
export const SECRET = "1b47061264138c4ac30d75fd1eb44270";

/** Stack, provider, bucket, object: every reference points to an earlier resource. */
export function resources(): Json[] {
  return [
    { urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack", outputs: { bucket: "assets-1234" } },
    { urn: PROVIDER_URN, custom: true, id: PROVIDER_ID, type: "pulumi:providers:aws", inputs: { region: "eu-west-1" }, outputs: { region: "eu-west-1" } },
    {
      urn: BUCKET_URN,
      custom: true,
      id: "assets-1234",
      type: "aws:s3/bucket:Bucket",
      inputs: { acl: "private" },
      outputs: { arn: "arn:aws:s3:::assets-1234", secretKey: { [SIG]: SECRET, ciphertext: "v1:abc:def" } },
      parent: STACK_URN,
      provider: PROVIDER_REF,
      propertyDependencies: { acl: [] },
    },
    {
      urn: OBJECT_URN,
      custom: true,
      id: "index.html",
      type: "aws:s3/bucketObject:BucketObject",
      inputs: { bucket: "assets-1234", content: { [SIG]: SECRET, plaintext: '"<html>"' } },
      parent: STACK_URN,
      provider: PROVIDER_REF,
      dependencies: [BUCKET_URN],
      propertyDependencies: { bucket: [BUCKET_URN] },
    },
  ];
}

export function manifest(): Json {
  return { time: "2026-05-06T07:08:09.123456789Z", magic: "0a1b", version: "v3.274.1" };
}

/** A version 3 export: `{version, deployment: {manifest, secrets_providers, resources}}`. */
export function exported(extra: { version?: number; features?: string[]; body?: Json; resources?: Json[] } = {}): { version: number; features?: string[]; deployment: Json & { resources: Json[] } } {
  return {
    version: extra.version ?? 3,
    ...(extra.features === undefined ? {} : { features: extra.features }),
    deployment: {
      manifest: manifest(),
      secrets_providers: { type: "passphrase", state: { salt: "v1:c2FsdA==:v1:bm9uY2U=:Y3Q=" } },
      resources: extra.resources ?? resources(),
      ...extra.body,
    },
  };
}

/** `pulumi stack export` prints compact JSON (no HTML escaping) — the text a round trip must reproduce. */
export function compact(value: unknown): string {
  return JSON.stringify(value);
}
