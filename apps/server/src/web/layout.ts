import { csrfField } from "./csrf.js";
import { Html, html } from "./html.js";
import { CONSOLE_CSS } from "./styles.js";
import type { WebPrincipal } from "./web-principal.js";

/** The console's top-level sections; `active` marks the one a page belongs to. */
export type ConsoleSection = "stacks" | "tokens" | "orgs" | "admin";

export interface ConsolePageOptions {
  title: string;
  principal: WebPrincipal;
  section: ConsoleSection;
  /** Path segments above this page, each a link, shown above the heading. */
  crumbs?: Array<{ label: string; href: string }>;
  body: Html;
}

/**
 * Every signed-in page: a header with the sections, who is signed in and sign-out (a form with
 * the session's anti-forgery token), then the page. No scripts and no external assets.
 */
export function consolePage(options: ConsolePageOptions): string {
  const { principal } = options;
  const link = (section: ConsoleSection, href: string, label: string) =>
    html`<li><a href="${href}"${options.section === section ? html` aria-current="page"` : ""}>${label}</a></li>`;
  const crumbs = options.crumbs?.length
    ? html`<p class="crumbs">${options.crumbs.map((crumb, i) => html`${i > 0 ? " / " : ""}<a href="${crumb.href}">${crumb.label}</a>`)}</p>`
    : "";
  return document(
    options.title,
    html`<a class="skip" href="#content">Skip to content</a>
<header class="top">
<a class="brand" href="/">cairn<span>.</span></a>
<nav class="main" aria-label="Sections"><ul>
${link("stacks", "/", "Stacks")}
${link("orgs", "/orgs", "Organizations")}
${link("tokens", "/user/settings/tokens", "Access tokens")}
${principal.user.siteAdmin ? link("admin", "/site-admin/users", "Site admin") : ""}
</ul></nav>
<div class="who"><span id="signed-in-as">${principal.user.name}</span>
<form class="inline" method="post" action="/logout">${csrfField(principal.csrf)}<button class="secondary" id="sign-out" type="submit">Sign out</button></form></div>
</header>
<main id="content">${crumbs}${options.body}</main>`,
  );
}

/** The HTML document around a page's body, signed in or not. */
export function document(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · cairn</title>
<style>${new Html(CONSOLE_CSS)}</style>
</head><body>${body}</body></html>`.text;
}

/** A page outside the console's sections (sign-in, errors): the same document, no navigation. */
export function page(title: string, body: Html): string {
  return document(title, html`<main id="content" class="narrow">${body}</main>`);
}
