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
 * Nothing is resolved until the first request, so opening a backend never blocks on IMDS.
 */
export function resolveCredentials(env: Env, choice: CredentialChoice): S3Credentials {
  const profile = choice.profile ?? env.AWS_PROFILE;
  const base = (profile === undefined && staticFromEnv(env)) || fromNodeProviderChain(profile === undefined ? {} : { profile });
  if (choice.role === undefined) return base;
  return fromTemporaryCredentials({
    masterCredentials: base,
    params: { RoleArn: choice.role, RoleSessionName: `cairn-${Date.now()}` },
    ...(choice.region === undefined ? {} : { clientConfig: { region: choice.region } }),
  });
}

function staticFromEnv(env: Env): StaticKeys | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
}
