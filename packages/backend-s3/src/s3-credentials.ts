import { fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { S3ClientConfig } from "@aws-sdk/client-s3";

type Env = Readonly<Record<string, string | undefined>>;
/** Static keys or a provider, as the S3 client takes them. */
export type S3Credentials = NonNullable<S3ClientConfig["credentials"]>;
interface StaticKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The credentials plus the NAME of the source that supplied them (for `whoami -v`; never the secret). */
export interface ResolvedS3Credentials {
  credentials: S3Credentials;
  /** `env:AWS_ACCESS_KEY_ID`, `aws-profile:<name>`, `aws-sdk-default-chain`, or `role:<arn> via <one of those>`. */
  source: string;
}

export interface CredentialChoice {
  profile?: string;
  role?: string;
  region?: string;
}

/**
 * The credentials an `s3://` backend signs with, in this order:
 * 1. `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`) from the environment the
 *    backend was opened with (unless a profile is named: a named profile wins, as in the AWS CLI);
 * 2. the AWS SDK's default Node chain (`fromNodeProviderChain`), with `?profile=` or `AWS_PROFILE`:
 *    environment, SSO, shared `~/.aws/credentials` and `~/.aws/config` (incl. `credential_process`
 *    and `role_arn` profiles), web identity (`AWS_WEB_IDENTITY_TOKEN_FILE`), container metadata
 *    (ECS/EKS), EC2 instance metadata (IMDS).
 * With `?role=<arn>`, the credentials above assume that role through STS.
 * Nothing is resolved until the first request, so opening a backend never blocks on IMDS. For the
 * same reason the default chain's source is named as the chain, not as the link that will answer.
 */
export function resolveCredentials(env: Env, choice: CredentialChoice): ResolvedS3Credentials {
  const base = baseCredentials(env, choice.profile ?? env.AWS_PROFILE);
  if (choice.role === undefined) return base;
  return {
    credentials: fromTemporaryCredentials({
      masterCredentials: base.credentials,
      params: { RoleArn: choice.role, RoleSessionName: `cairn-${Date.now()}` },
      ...(choice.region === undefined ? {} : { clientConfig: { region: choice.region } }),
    }),
    source: `role:${choice.role} via ${base.source}`,
  };
}

function baseCredentials(env: Env, profile: string | undefined): ResolvedS3Credentials {
  if (profile !== undefined) return { credentials: fromNodeProviderChain({ profile }), source: `aws-profile:${profile}` };
  const keys = staticFromEnv(env);
  if (keys !== undefined) return { credentials: keys, source: "env:AWS_ACCESS_KEY_ID" };
  return { credentials: fromNodeProviderChain({}), source: "aws-sdk-default-chain" };
}

function staticFromEnv(env: Env): StaticKeys | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
}
