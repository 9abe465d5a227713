import { defineBackendPlugin } from "@cairn/core/driver";
import { FileStore } from "./file-store.js";
import { fileBackendRoot, isWorkingDirectoryUrl } from "./file-url.js";

export { FileStore, type FileStoreOptions } from "./file-store.js";
export { fileBackendRoot, isWorkingDirectoryUrl } from "./file-url.js";
export { classifyFileError } from "./file-errors.js";

/** `file://` URLs: state in a local directory, written atomically, locked by exclusive create. */
export default defineBackendPlugin({
  meta: { name: "@cairn/backend-file", version: "0.1.0" },
  schemes: ["file"],
  async open(url, context) {
    // `file://`, `file:` and `file:<relative>` name the working directory, as in Pulumi; the
    // backend keeps the URL as written (Pulumi's `URL()` is the original URL).
    if (context.urlText !== undefined && isWorkingDirectoryUrl(context.urlText)) return new FileStore(context.cwd, context.urlText);
    return new FileStore(fileBackendRoot(url, context.cwd, context.env.HOME), url.href.replace(/\/$/, "") === "file://~" ? "file://~" : url.href);
  },
});
