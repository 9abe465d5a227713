import { defineBackendPlugin } from "@cairn/core/driver";
import { PACKAGE_VERSION } from "./client-identity.js";
import { openInBrowser } from "./open-browser.js";
import { ServiceBackend } from "./service-backend.js";
import { serviceBaseUrl } from "./service-url.js";

export { ServiceBackend, type ServiceBackendOptions } from "./service-backend.js";
export { ServiceClient } from "./service-client.js";
export { errorFromResponse } from "./service-errors.js";
export { serviceBaseUrl } from "./service-url.js";
export { startLoopbackLogin, type LoopbackLogin } from "./loopback-login.js";
export { openInBrowser } from "./open-browser.js";

/** `http://` and `https://` URLs: a state service speaking Pulumi's REST API (cairn-server). */
export default defineBackendPlugin({
  meta: { name: "@cairn/backend-service", version: PACKAGE_VERSION },
  schemes: ["http", "https"],
  async open(url, context) {
    const baseUrl = serviceBaseUrl(url);
    const fromEnv = context.env.PULUMI_ACCESS_TOKEN;
    const token = fromEnv
      ? { value: fromEnv, source: "env:PULUMI_ACCESS_TOKEN" }
      : context.storedCredential
        ? { value: context.storedCredential, source: "stored" }
        : undefined;
    return new ServiceBackend({ baseUrl, env: context.env, openUrl: (page) => openInBrowser(page, context.env), ...(token === undefined ? {} : { token }) });
  },
});
