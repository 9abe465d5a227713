import { CairnError, isCairnError } from "@cairn/core";
import type { Principal } from "../accounts/accounts.js";
import { readFormBody } from "../http/request-body.js";
import { sendHtml } from "../http/respond.js";
import type { Router } from "../http/router.js";
import type { Services } from "../services.js";
import { cliLoginRequestOf, loopbackHandOff, type CliLoginRequest } from "../web/cli-login-request.js";
import { authorizePage, LOGIN_PAGE_HEADERS, signInPage } from "../web/login-pages.js";
import { safeNextPath } from "../web/next-path.js";
import { clearedSessionCookie, sessionCookie, sessionSecretOf } from "../web/session-cookie.js";
import { requireCsrf } from "../web/csrf.js";
import { requireSameOrigin } from "../web/same-origin.js";
import { redirect, sessionPrincipal, webRoute } from "../web/web-route.js";

/** A sign-in form holds a token and a few hidden fields: nothing near the API's body limit. */
const FORM_LIMIT_BYTES = 16 * 1024;

/**
 * Browser sign-in (with an access token), sign-out, and the CLI's browser login: `/cli-login`
 * (Pulumi's path and parameters) mints a new token for the CLI and sends the browser with it to
 * the CLI's loopback listener. Tokens travel in form bodies and redirects, never in logs.
 */
export function addWebLoginRoutes(router: Router, services: Services): void {
  const issueCliToken = async (user: string, cli: CliLoginRequest) => (await services.accounts.issueToken(user, cli.description)).token;

  router.add("GET", "/login", webRoute(async ({ response, query }) => {
    sendHtml(response, 200, signInPage(cliLoginRequestOf(query), undefined, safeNextPath(query.get("next"))), LOGIN_PAGE_HEADERS);
  }));

  router.add("POST", "/login", webRoute(async ({ request, response }) => {
    requireSameOrigin(request, services.baseUrl());
    const form = await readFormBody(request, FORM_LIMIT_BYTES);
    const cli = cliLoginRequestOf(form);
    const next = safeNextPath(form.get("next"));
    let principal: Principal;
    try {
      principal = await services.accounts.authenticate((form.get("token") ?? "").trim());
    } catch (error) {
      if (!isCairnError(error, "Unauthenticated")) throw error;
      sendHtml(response, 401, signInPage(cli, "That access token is not valid or has been revoked.", next), LOGIN_PAGE_HEADERS);
      return;
    }
    // A CLI hand-off's nonce is spent before anything is minted: a replayed link mints nothing.
    if (cli !== undefined) await services.accounts.claimLoginNonce(cli.nonce);
    const session = await services.webSessions.start(principal.user.name);
    const headers = { "set-cookie": sessionCookie(session.secret, services.baseUrl()) };
    redirect(response, cli === undefined ? (next ?? "/") : loopbackHandOff(cli, await issueCliToken(principal.user.name, cli)), headers);
  }));

  router.add("GET", "/cli-login", webRoute(async ({ request, response, query }) => {
    const cli = requireCliRequest(cliLoginRequestOf(query));
    const principal = await sessionPrincipal(services, request);
    sendHtml(response, 200, principal === undefined ? signInPage(cli) : authorizePage(principal.user.name, cli, principal.csrf), LOGIN_PAGE_HEADERS);
  }));

  // Only a POST mints: the session cookie is SameSite=Strict, so another site's form cannot.
  router.add("POST", "/cli-login", webRoute(async ({ request, response }) => {
    requireSameOrigin(request, services.baseUrl());
    const form = await readFormBody(request, FORM_LIMIT_BYTES);
    const cli = requireCliRequest(cliLoginRequestOf(form));
    const principal = await sessionPrincipal(services, request);
    if (principal === undefined) {
      sendHtml(response, 401, signInPage(cli, "Your session has ended: sign in again."), LOGIN_PAGE_HEADERS);
      return;
    }
    requireCsrf(form, principal.csrf);
    await services.accounts.claimLoginNonce(cli.nonce);
    redirect(response, loopbackHandOff(cli, await issueCliToken(principal.user.name, cli)));
  }));

  router.add("POST", "/logout", webRoute(async ({ request, response }) => {
    requireSameOrigin(request, services.baseUrl());
    const form = await readFormBody(request, FORM_LIMIT_BYTES);
    // A live session signs out only with its own form (a forged sign-out is refused too); the
    // session is deleted on the server, so a copied cookie stops working as well.
    const principal = await sessionPrincipal(services, request);
    const secret = sessionSecretOf(request);
    if (principal !== undefined && secret !== undefined) {
      requireCsrf(form, principal.csrf);
      await services.webSessions.end(secret);
    }
    redirect(response, "/login", { "set-cookie": clearedSessionCookie() });
  }));
}

function requireCliRequest(cli: CliLoginRequest | undefined): CliLoginRequest {
  if (cli === undefined) throw new CairnError("InvalidArgument", "this page is opened by `cairn login`: it needs cliSessionPort and cliSessionNonce");
  return cli;
}
