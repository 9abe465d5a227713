import { readFile, unlink } from "node:fs/promises";
import { makeDirectory } from "../fs/make-directory.js";
import { join } from "node:path";
import { CairnError } from "../errors.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { withFileLock } from "../fs/file-lock.js";
import { formatCredentials, isEmptyCredentials, parseCredentials, type Account, type Credentials } from "./credentials-file.js";

type Env = Readonly<Record<string, string | undefined>>;

export const CREDENTIALS_FILE_NAME = "credentials.json";

/**
 * Pulumi's credentials.json, shared with the Pulumi CLI. Every change is a locked
 * read-modify-write, replaced atomically with mode 0600, so concurrent logins never lose each
 * other's entries or leave a torn file.
 *
 * The lock is `credentials.json.lock` beside the file. Pulumi's Go `lockedfile` takes an flock on
 * credentials.json itself, which Node cannot take; the lock file serialises cairn processes, and
 * the atomic rename means a concurrent Pulumi reader only ever sees a whole file.
 */
export class CredentialsStore {
  readonly file: string;
  readonly lockFile: string;

  /** @param directory Pulumi's home (`pulumiHome(env)`) or `credentialsDirectory(env)`. */
  constructor(readonly directory: string) {
    this.file = join(directory, CREDENTIALS_FILE_NAME);
    this.lockFile = `${this.file}.lock`;
  }

  /** The stored credentials; `{}` when there is no file. A malformed file is an InvalidArgument error. */
  async read(): Promise<Credentials> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
      throw error;
    }
    return parseCredentials(text, this.file);
  }

  /**
   * Applies `mutate` to the current credentials under the file lock and writes the result. As in
   * Pulumi, credentials with no account and no current backend left are stored by removing the file.
   */
  async update<T>(mutate: (credentials: Credentials) => T | Promise<T>): Promise<T> {
    await makeDirectory(this.directory, 0o700);
    return withFileLock(this.lockFile, async () => {
      const credentials = await this.read();
      const result = await mutate(credentials);
      await this.write(credentials);
      return result;
    });
  }

  /** Records `account` for `url` (its token also under `accessTokens`, as Pulumi does) and, by default, makes it current. */
  async login(url: string, account: Account = {}, options: { makeCurrent?: boolean } = {}): Promise<void> {
    await this.update((credentials) => {
      credentials.accessTokens = { ...credentials.accessTokens, [url]: account.accessToken ?? "" };
      credentials.accounts = { ...credentials.accounts, [url]: { ...account } };
      if (options.makeCurrent ?? true) credentials.current = url;
    });
  }

  /** Forgets `url`'s credential; NotFound when not logged in to it. */
  async logout(url: string): Promise<void> {
    await this.update((credentials) => {
      if (!isLoggedIn(credentials, url)) {
        throw new CairnError("NotFound", `not logged in to ${url}`, {
          hint: "`cairn whoami -v` shows the current backend",
        });
      }
      delete credentials.accessTokens?.[url];
      delete credentials.accounts?.[url];
      if (credentials.current === url) delete credentials.current;
    });
  }

  /**
   * Forgets every credential by removing the file, as `pulumi logout --all` does — even a file
   * cairn cannot parse, since this is the user's explicit way out. Returns the URLs logged out of.
   */
  async logoutAll(): Promise<string[]> {
    await makeDirectory(this.directory, 0o700);
    return withFileLock(this.lockFile, async () => {
      const urls = await this.read().then(loggedInUrls, () => []);
      await unlink(this.file).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
      return urls;
    });
  }

  /** The active backend URL: `$PULUMI_BACKEND_URL`, else the stored `current`. */
  async currentUrl(env: Env = process.env): Promise<string | undefined> {
    const override = env.PULUMI_BACKEND_URL;
    if (override) return override;
    return (await this.read()).current || undefined;
  }

  /** The token stored at login for `url` (the account's, else the bare `accessTokens` entry). */
  async storedToken(url: string): Promise<string | undefined> {
    const credentials = await this.read();
    return credentials.accounts?.[url]?.accessToken || credentials.accessTokens?.[url] || undefined;
  }

  /** The token to use for `url`: `$PULUMI_ACCESS_TOKEN` first, then the stored one. */
  async tokenFor(url: string, env: Env = process.env): Promise<string | undefined> {
    return env.PULUMI_ACCESS_TOKEN || (await this.storedToken(url));
  }

  private async write(credentials: Credentials): Promise<void> {
    if (isEmptyCredentials(credentials)) {
      await unlink(this.file).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
      return;
    }
    await writeFileAtomic(this.file, formatCredentials(credentials), { mode: 0o600 });
  }
}

function isLoggedIn(credentials: Credentials, url: string): boolean {
  return (
    Object.hasOwn(credentials.accessTokens ?? {}, url) ||
    Object.hasOwn(credentials.accounts ?? {}, url) ||
    credentials.current === url
  );
}

function loggedInUrls(credentials: Credentials): string[] {
  return [...new Set([...Object.keys(credentials.accessTokens ?? {}), ...Object.keys(credentials.accounts ?? {})])].sort();
}
