import {
  CairnError,
  createNoEchoPrompt,
  createPassphraseManager,
  openPassphraseManager,
  PASSPHRASE_PROVIDER_TYPE,
  readEncryptionSalt,
  readNewPassphrase,
  readPassphrase,
  stackConfigPath,
  type PassphraseSecretsManager,
  type StackRef,
  type UntypedDeployment,
} from "@cairn/core";
import type { CliContext } from "./context.js";

/**
 * Where a stack's passphrase salt lives, as Pulumi keeps it: `encryptionsalt` in the project's
 * `Pulumi.<stack>.yaml`, and the deployment's `secrets_providers.state.salt`. The deployment wins
 * when both exist: it is what the ciphertext in the state was sealed with.
 */
export async function findStackSalt(context: CliContext, ref: StackRef, deployment?: UntypedDeployment): Promise<string | undefined> {
  const provider = (deployment?.deployment as { secrets_providers?: { type?: string; state?: { salt?: unknown } } } | undefined)?.secrets_providers;
  if (provider?.type === PASSPHRASE_PROVIDER_TYPE && typeof provider.state?.salt === "string") return provider.state.salt;
  const configFile = await stackConfigFile(context, ref);
  return configFile === undefined ? undefined : readEncryptionSalt(configFile);
}

/**
 * The project's `Pulumi.<stack>.yaml` (in its `stackConfigDir` when it names one), when the stack
 * belongs to the project in the working directory.
 */
export async function stackConfigFile(context: CliContext, ref: StackRef): Promise<string | undefined> {
  const project = await context.project();
  if (project === undefined || project.name !== ref.project) return undefined;
  return stackConfigPath(project.file, ref.name, project.stackConfigDir);
}

export interface PassphraseOptions {
  nonInteractive?: boolean;
}

/** Opens the stack's passphrase provider, asking for the passphrase once per process. */
export async function openStackSecrets(
  context: CliContext,
  ref: StackRef,
  deployment: UntypedDeployment | undefined,
  options: PassphraseOptions,
): Promise<PassphraseSecretsManager> {
  const salt = await findStackSalt(context, ref, deployment);
  if (salt === undefined) {
    throw new CairnError("NotFound", `stack ${ref.name} has no passphrase secrets provider`, {
      hint: "run `cairn stack change-secrets-provider passphrase` to give it one",
    });
  }
  return openSaltSecrets(context, ref, salt, options);
}

/** Opens a passphrase provider from a known `encryptionsalt`, checking the passphrase against it. */
export async function openSaltSecrets(context: CliContext, ref: StackRef, salt: string, options: PassphraseOptions): Promise<PassphraseSecretsManager> {
  const passphrase = await readPassphrase({ ...passphraseSource(context, options), stackName: ref.name });
  return openPassphraseManager(salt, passphrase);
}

/** A new passphrase provider (for `stack init` or a rotation). */
export async function createStackSecrets(
  context: CliContext,
  ref: StackRef,
  options: PassphraseOptions & { passphrase?: string; useEnvironment?: boolean },
): Promise<PassphraseSecretsManager> {
  const passphrase =
    options.passphrase ??
    (await readNewPassphrase({ ...passphraseSource(context, options), stackName: ref.name, useEnvironment: options.useEnvironment ?? true }));
  return createPassphraseManager(passphrase);
}

function passphraseSource(context: CliContext, options: PassphraseOptions) {
  const interactive = context.output.interactive && !options.nonInteractive;
  return {
    env: context.env,
    cwd: context.cwd,
    nonInteractive: !interactive,
    ...(interactive ? { prompt: createNoEchoPrompt() } : {}),
  };
}
