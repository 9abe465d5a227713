import type { Command } from "commander";
import { stackNames } from "../../stack-display.js";
import { CairnError, readEncryptionSalt, setSelectedStack, writeEncryptionSalt, PASSPHRASE_PROVIDER_TYPE, type UntypedDeployment } from "@cairn/core";
import type { RunCommand } from "../../run-command.js";
import { createStackSecrets, openSaltSecrets, stackConfigFile } from "../../stack-secrets.js";

export function registerStackInit(stack: Command, run: RunCommand): void {
  stack
    .command("init")
    .description("Create an empty stack with a passphrase secrets provider, and select it")
    .argument("[stack]", "<stack>, organization/<stack> or organization/<project>/<stack>")
    .option("-s, --stack <stack>", "the stack to create (same as the argument)")
    .option("--secrets-provider <provider>", "secrets provider: passphrase", PASSPHRASE_PROVIDER_TYPE)
    .option("--no-select", "do not select the new stack")
    .option("--non-interactive", "never prompt: the passphrase must come from PULUMI_CONFIG_PASSPHRASE(_FILE)")
    .action(
      run(async (context, name: string | undefined, flags: { stack?: string; select: boolean; secretsProvider: string; nonInteractive?: boolean }) => {
        const given = name ?? flags.stack;
        if (given === undefined) throw new CairnError("InvalidArgument", "name the stack to create", { hint: "cairn stack init dev" });
        if (flags.secretsProvider !== PASSPHRASE_PROVIDER_TYPE) {
          throw new CairnError("Unimplemented", `secrets provider ${JSON.stringify(flags.secretsProvider)} is not supported on this backend`, {
            hint: "self-managed backends use --secrets-provider passphrase",
          });
        }
        const url = await context.backendUrl();
        const ref = await context.currentStack(url, given);
        const backend = await context.openBackend(url);
        const names = await stackNames(backend, (await context.project())?.name);
        if ((await backend.getStack(ref)) !== undefined) {
          throw new CairnError("AlreadyExists", `stack ${names.display(ref)} already exists`, { hint: "choose another name, or `cairn stack select` it" });
        }
        // The passphrase is asked for before anything is written, so a missing one changes nothing.
        // A salt already in Pulumi.<stack>.yaml is kept, as Pulumi keeps it: the config's `secure:`
        // values were sealed under it (the passphrase must then match it).
        const configFile = await stackConfigFile(context, ref);
        const existingSalt = configFile === undefined ? undefined : await readEncryptionSalt(configFile);
        const passphraseOptions = { nonInteractive: Boolean(flags.nonInteractive) };
        const secrets =
          existingSalt === undefined
            ? await createStackSecrets(context, ref, passphraseOptions)
            : await openSaltSecrets(context, ref, existingSalt, passphraseOptions);
        const initialDeployment: UntypedDeployment = {
          version: 3,
          deployment: {
            manifest: { time: new Date().toISOString(), magic: "", version: "" },
            secrets_providers: { type: secrets.type, state: secrets.state },
          },
        };
        await backend.createStack(ref, { initialDeployment });
        if (configFile !== undefined && existingSalt === undefined) await writeEncryptionSalt(configFile, secrets.encryptionSalt);

        const project = await context.project();
        if (flags.select && project !== undefined && project.name === ref.project) {
          await setSelectedStack(context.home, project.file, url, names.qualified(ref));
        }
        context.output.out(`Created stack '${names.display(ref)}'`);
      }),
    );
}
