import { isSecretValue } from "@cairn/core";
import { html, type Html } from "../html.js";

/** What a secret shows until it is revealed (and where it cannot be). */
export const SECRET_MASK = "[secret]";

/**
 * The reveal's outcome: decrypted values by output name (secrets replaced by their plaintext
 * value), or why the server cannot decrypt them.
 */
export type RevealedOutputs = { values: Record<string, unknown> } | { unavailable: string };

export interface OutputsView {
  /** The root stack resource's outputs as stored: secrets are sealed objects. */
  outputs: Record<string, unknown>;
  revealed?: RevealedOutputs;
  /** Whether the viewer may reveal (member or admin); a viewer gets no button. */
  canReveal: boolean;
  /** The reveal form's target and its anti-forgery field. */
  revealAction: string;
  csrfField: Html;
}

/**
 * The outputs table. Plain values are shown; a secret, anywhere in a value, shows as "[secret]"
 * unless this page is the answer to a member's "Reveal secrets" (a POST, never cached).
 */
export function outputsSection(view: OutputsView): Html {
  const names = Object.keys(view.outputs).sort();
  if (names.length === 0) return html`<p id="no-outputs">No outputs.</p>`;
  const hasSecrets = names.some((name) => containsSecret(view.outputs[name]));
  const values = view.revealed !== undefined && "values" in view.revealed ? view.revealed.values : undefined;
  return html`${view.revealed !== undefined && "unavailable" in view.revealed ? html`<p class="notice" id="reveal-unavailable">${view.revealed.unavailable}</p>` : ""}
${values !== undefined ? html`<p class="notice" id="secrets-revealed">Secrets are shown on this page only: reloading it masks them again.</p>` : ""}
<div class="table-wrap"><table id="outputs"><thead><tr><th scope="col">Name</th><th scope="col">Value</th></tr></thead><tbody>
${names.map((name) => {
  const stored = view.outputs[name];
  const secret = containsSecret(stored);
  const shown = values !== undefined && secret ? valueText(values[name]) : valueText(stored);
  return html`<tr><th scope="row" class="output-name">${name}</th><td class="output-value"><code>${shown}</code>${secret ? html` <span class="badge warn">secret</span>` : ""}</td></tr>`;
})}
</tbody></table></div>
${hasSecrets && view.canReveal && values === undefined
  ? html`<form method="post" action="${view.revealAction}">${view.csrfField}<button id="reveal-secrets" class="secondary" type="submit">Reveal secrets</button></form>`
  : ""}`;
}

export function containsSecret(value: unknown): boolean {
  if (isSecretValue(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecret);
  return false;
}

/** A value as text: strings as they are, anything else as compact JSON; secrets masked. */
function valueText(value: unknown): string {
  if (typeof value === "string") return value;
  if (isSecretValue(value)) return SECRET_MASK;
  return JSON.stringify(value, (_key, item: unknown) => (isSecretValue(item) ? SECRET_MASK : item)) ?? "";
}
