import { createRequire } from "node:module";
import { platform } from "node:os";

/** This package's version, from its package.json (one level above both `src/` and `dist/`). */
export const PACKAGE_VERSION = (createRequire(import.meta.url)("../package.json") as { version: string }).version;

/**
 * The API version cairn speaks: the `Accept: application/vnd.pulumi+N` the Pulumi CLI v3.274.1
 * sends (`currentAPIVersion` in its `backend/httpstate/client/api.go`). The service may shape its
 * answers by it (paginated `/api/user/stacks` from 8, the tolerant secret-value form from 9).
 */
export const ACCEPT_API_VERSION = "application/vnd.pulumi+9";

/** Names cairn and its version, as the Pulumi CLI's `pulumi-cli/1 (<version>; <os>)` names it. */
export const USER_AGENT = `cairn-backend-service/${PACKAGE_VERSION} (cairn; ${platform()}; node ${process.versions.node})`;
