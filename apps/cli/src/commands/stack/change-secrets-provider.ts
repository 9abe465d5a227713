import type { Command } from "commander";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  CairnError,
  encryptDeploymentSecrets,
  formatStackRef,
  hasEncryptedSecrets,
  PASSPHRASE_PROVIDER_TYPE,
  reencryptDeploymentSecrets,
  readEncryptionSalt,
  prepareStackConfigRewrite,
  type ResealConfigSecret,
  trimGoSpace,
  type PassphraseSecretsManager,
  type StackRef,
} from "@cairn/core";
import type { RunCommand } from "../../run-command.js";
import { createStackSecrets, openSaltSecrets, openStackSecrets, stackConfigFile } from "../../stack-secrets.js";
import type { CliContext } from "../../context.js";

export function registerStackChangeSecretsProvider(stack: Command, run: RunCommand): void {
  stack
    .command("change-secrets-provider")
    .description("Re-encrypt every secret of the stack under a new provider (a new passphrase), atomically")
    .argument("<provider>", "the new secrets provider: passphrase")
    .option("-s, --stack <stack>", "defaults to the selected stack")
    .option("--new-passphrase-file <path>", "read the new passphrase from this file (else it is prompted for)")
    .option("--non-interactive", "never prompt")
    .addHelpText("after", "\nThe current passphrase comes from PULUMI_CONFIG_PASSPHRASE(_FILE) or a prompt; the new one from\n--new-passphrase-file or a prompt (never from the environment, which holds the old one).")
    .action(
      run(async (context, provider: string, flags: { stack?: string; newPassphraseFile?: string; nonInteractive?: boolean }) => {
        if (provider !== PASSPHRASE_PROVIDER_TYPE) {
          throw new CairnError("Unimplemented", `secrets provider ${JSON.stringify(provider)} is not supported`, { hint: "use: passphrase" });
        }
        const nonInteractive = Boolean(flags.nonInteractive);
        const url = await context.backendUrl();
        const ref = await context.currentStack(url, flags.stack);
        const newPassphrase =
          flags.newPassphraseFile === undefined ? undefined : trimGoSpace(await readFile(resolve(context.cwd, flags.newPassphraseFile), "utf8"));
        const backend = await context.openBackend(url);
        const lock = await backend.lockStack(ref, "change-secrets-provider");
        try {
          const deployment = await backend.exportDeployment(ref);
          // Both managers exist (and the old passphrase is verified) before anything is written.
          const from = hasEncryptedSecrets(deployment) ? await openStackSecrets(context, ref, deployment, { nonInteractive }) : undefined;
          const to = await createStackSecrets(context, ref, {
            nonInteractive,
            useEnvironment: false,
            ...(newPassphrase === undefined ? {} : { passphrase: newPassphrase }),
          });
          const reencrypted = from === undefined ? await encryptDeploymentSecrets(deployment, to) : await reencryptDeploymentSecrets(deployment, from, to);
          // The config's `secure:` values move to the new passphrase too, as Pulumi moves them;
          // resealed before anything is written, so a value the old passphrase cannot open changes nothing.
          const configFile = await stackConfigFile(context, ref);
          const configRewrite =
            configFile === undefined
              ? undefined
              : await prepareStackConfigRewrite(configFile, to.encryptionSalt, await configResealer(context, configFile, ref, from, to, nonInteractive));
          // The state is written first: its secrets_providers is what the ciphertext needs. The
          // config file follows; cairn prefers the state's salt if a crash falls in between.
          await lock.save(reencrypted, { kind: "change-secrets-provider" });
          await configRewrite?.commit();
        } finally {
          await lock.release();
        }
        context.output.out(`Changed the secrets provider of ${formatStackRef(ref)}: every secret is now sealed with the new passphrase`);
      }),
    );
}

/**
 * Reseals a config secret from the provider of the config file's own salt (the state's, when they
 * are the same) to `to`; undefined when the file has no salt, so no `secure:` value it can hold.
 */
async function configResealer(
  context: CliContext,
  configFile: string,
  ref: StackRef,
  from: PassphraseSecretsManager | undefined,
  to: PassphraseSecretsManager,
  nonInteractive: boolean,
): Promise<ResealConfigSecret | undefined> {
  const salt = await readEncryptionSalt(configFile);
  if (salt === undefined) return undefined;
  let opened: PassphraseSecretsManager | undefined = from?.encryptionSalt === salt ? from : undefined;
  return async (ciphertext) => {
    opened ??= await openSaltSecrets(context, ref, salt, { nonInteractive });
    return to.encrypt(await opened.decrypt(ciphertext));
  };
}
