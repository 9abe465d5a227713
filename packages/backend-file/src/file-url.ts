import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { CairnError, redactUrl } from "@cairn/core/driver";

const ACCEPTED_FORMS = "file://~, file://~/dir, file:///absolute/dir or file://./relative/dir";

/**
 * The directory a `file://` URL names; state then lives in `<dir>/.pulumi/`, as with Pulumi.
 * `file://~` is the home directory (so `--local` state is in `~/.pulumi`), `file://./x` is relative
 * to the working directory. Options travel as query parameters; the file backend takes none.
 */
export function fileBackendRoot(url: URL, cwd: string, home = homedir()): string {
  if (url.protocol !== "file:") throw invalid(url, "it is not a file:// URL");
  if (url.search !== "") throw invalid(url, `the file backend accepts no parameters (got ${[...url.searchParams.keys()].join(", ")})`);
  const path = decodeURIComponent(url.pathname);
  switch (url.host) {
    case "~":
      return resolve(home, `.${path}`);
    case ".":
      return resolve(cwd, `.${path}`);
    case "":
      if (!isAbsolute(path)) throw invalid(url, "the path is not absolute");
      return resolve(path);
    default:
      throw invalid(url, `"${url.host}" would be a remote host`);
  }
}

function invalid(url: URL, why: string): CairnError {
  return new CairnError("InvalidArgument", `invalid file backend URL ${redactUrl(url.href)}: ${why}`, { hint: `use ${ACCEPTED_FORMS}` });
}

/**
 * Whether `text` is a file URL with no path that Pulumi resolves to the working directory:
 * `file://` (an empty path made absolute), and `file:` or `file:<opaque>` (gocloud's fileblob
 * opens an empty URL path, which is the working directory). WHATWG parsing would read all of them
 * as `/` or `/<opaque>`, so they are recognised from the text the user wrote.
 */
export function isWorkingDirectoryUrl(text: string): boolean {
  // With parameters it is left to `fileBackendRoot`, which refuses them.
  if (!/^file:/i.test(text) || /[?#]/.test(text)) return false;
  const rest = text.slice("file:".length);
  if (rest === "" || rest === "//") return true;
  return !rest.startsWith("/");
}
