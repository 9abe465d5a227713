import { readFile, stat } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import type { Document, Scalar } from "yaml";
import { CairnError } from "../errors.js";
import { parseJsonOr } from "../json/parse-json.js";
import { writeFileAtomic } from "../fs/atomic-write.js";

/** yaml, loaded on first use (most of core's start-up cost; only YAML stack config files need it). */
type Yaml = typeof import("../lazy-yaml.js");
const loadYaml = (): Promise<Yaml> => import("../lazy-yaml.js");

/**
 * The passphrase salt in the stack's config file, where Pulumi keeps it (`encryptionsalt:` in
 * `Pulumi.<stack>.yaml`). Edits go through the YAML Document API so comments, key order and every
 * other key survive, and the file is replaced atomically.
 */

const SALT_KEY = "encryptionsalt";
/** A config value `{secure: <ciphertext>}` is a secret. */
const SECURE_KEY = "secure";
/** Keys of other secrets providers; Pulumi clears them when a stack switches to passphrase. */
const OTHER_PROVIDER_KEYS = ["secretsprovider", "encryptedkey"];

/**
 * `Pulumi.<stack>.<ext>` beside the project file (or in its `stackConfigDir`), the extension taken
 * from the project file and `/` in a qualified stack name replaced by `-`
 * (`sdk/go/common/workspace/paths.go` `ProjectStackPath`).
 */
export function stackConfigPath(projectFile: string, stackName: string, stackConfigDir?: string): string {
  const fileName = `${basename(projectFile, extname(projectFile))}.${stackName.replaceAll("/", "-")}${extname(projectFile)}`;
  const directory = stackConfigDir ? join(dirname(projectFile), stackConfigDir) : dirname(projectFile);
  return join(directory, fileName);
}

/** The stack's `encryptionsalt`, or undefined when the file or the key is absent. */
export async function readEncryptionSalt(configFile: string): Promise<string | undefined> {
  const text = await readIfExists(configFile);
  if (text === undefined) return undefined;
  const value: unknown = isJsonFile(configFile) ? parseJsonConfig(configFile, text)[SALT_KEY] : parseYamlConfig(await loadYaml(), configFile, text).get(SALT_KEY);
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw malformed(configFile, `\`${SALT_KEY}\` is not a string`);
  return value;
}

/**
 * Sets `encryptionsalt` (creating the file if needed) and removes `secretsprovider` and
 * `encryptedkey`, as Pulumi does for a passphrase stack. A new key goes first, where Pulumi puts it.
 */
export async function writeEncryptionSalt(configFile: string, encryptionSalt: string): Promise<void> {
  await (await prepareStackConfigRewrite(configFile, encryptionSalt)).commit();
}

/** Turns one `secure:` ciphertext of the config into the one the new provider can open. */
export type ResealConfigSecret = (ciphertext: string) => Promise<string>;

/**
 * Prepares setting the salt as `writeEncryptionSalt` does and, with `reseal`, replacing every `secure:` value
 * under `config` (nested in objects and lists too) with its resealed ciphertext — in one atomic
 * write, so the file never holds a salt that does not open its own values. Pulumi's
 * `stack change-secrets-provider` re-encrypts the config this way. A config secret seals the raw
 * string (a state secret seals its JSON encoding), so plaintexts pass through unchanged.
 */
export async function prepareStackConfigRewrite(
  configFile: string,
  encryptionSalt: string,
  reseal?: ResealConfigSecret,
): Promise<{ commit(): Promise<void> }> {
  // Every value is resealed before anything is written: a config secret the old provider cannot
  // open fails here, while the state is still untouched.
  const text = await readIfExists(configFile);
  const mode = text === undefined ? 0o644 : (await stat(configFile)).mode & 0o777;
  const updated = isJsonFile(configFile)
    ? await withSaltJson(configFile, text, encryptionSalt, reseal)
    : await withSaltYaml(configFile, text, encryptionSalt, reseal);
  return { commit: () => writeFileAtomic(configFile, updated, { mode }) };
}

async function withSaltYaml(configFile: string, text: string | undefined, encryptionSalt: string, reseal?: ResealConfigSecret): Promise<string> {
  const yaml = await loadYaml();
  const document = parseYamlConfig(yaml, configFile, text ?? "");
  if (document.contents === null) document.contents = document.createNode({});
  if (reseal !== undefined) {
    for (const scalar of secureYamlScalars(yaml, document.get("config", true))) scalar.value = await reseal(scalar.value as string);
  }
  const map = document.contents;
  if (!yaml.isMap(map)) throw malformed(configFile, "it is not a YAML mapping");
  for (const key of OTHER_PROVIDER_KEYS) map.delete(key);
  if (map.has(SALT_KEY)) map.set(SALT_KEY, encryptionSalt);
  else map.items.unshift(document.createPair(SALT_KEY, encryptionSalt));
  // lineWidth 0: never fold the long salt over two lines.
  return document.toString({ lineWidth: 0 });
}

/** The string scalars of every `{secure: …}` mapping below `node`. */
function secureYamlScalars(yaml: Yaml, node: unknown): Scalar[] {
  const { isMap, isScalar, isSeq } = yaml;
  if (isSeq(node)) return node.items.flatMap((item) => secureYamlScalars(yaml, item));
  if (!isMap(node)) return [];
  const [only] = node.items;
  if (node.items.length === 1 && isScalar(only?.key) && only.key.value === SECURE_KEY && isScalar(only.value) && typeof only.value.value === "string") {
    return [only.value];
  }
  return node.items.flatMap((pair) => secureYamlScalars(yaml, pair.value));
}

/** The same walk over a JSON config file's `config` value, resealing in place. */
async function resealJsonSecrets(value: unknown, reseal: ResealConfigSecret): Promise<void> {
  if (Array.isArray(value)) {
    for (const item of value) await resealJsonSecrets(item, reseal);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === SECURE_KEY && typeof record[SECURE_KEY] === "string") {
    record[SECURE_KEY] = await reseal(record[SECURE_KEY]);
    return;
  }
  for (const key of keys) await resealJsonSecrets(record[key], reseal);
}

async function withSaltJson(configFile: string, text: string | undefined, encryptionSalt: string, reseal?: ResealConfigSecret): Promise<string> {
  const settings = text === undefined ? {} : parseJsonConfig(configFile, text);
  if (reseal !== undefined) await resealJsonSecrets(settings.config, reseal);
  for (const key of OTHER_PROVIDER_KEYS) delete settings[key];
  const { [SALT_KEY]: _previous, ...rest } = settings;
  return `${JSON.stringify({ [SALT_KEY]: encryptionSalt, ...rest }, null, 4)}\n`;
}

function parseYamlConfig(yaml: Yaml, configFile: string, text: string): Document {
  const document = yaml.parseDocument(text);
  const [first] = document.errors;
  if (first) throw malformed(configFile, first.message);
  return document;
}

function parseJsonConfig(configFile: string, text: string): Record<string, unknown> {
  // A stack config file holds secure values and, by mistake, plain secrets: no snippet of it in the error.
  const value = parseJsonOr(text, (problem) => {
    throw malformed(configFile, `not valid JSON: ${problem}`);
  });
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw malformed(configFile, "it is not a JSON object");
  return value as Record<string, unknown>;
}

function isJsonFile(configFile: string): boolean {
  return extname(configFile).toLowerCase() === ".json";
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function malformed(configFile: string, why: string): CairnError {
  return new CairnError("InvalidArgument", `stack config file ${configFile} is malformed: ${why}`, {
    hint: "fix the file's syntax; cairn edits only its `encryptionsalt` key",
  });
}
