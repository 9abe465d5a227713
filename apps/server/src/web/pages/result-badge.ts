import { html, type Html } from "../html.js";

/** An update's result as a badge: a word and a colour, never the colour alone. */
export function resultBadge(result: string): Html {
  const tone = result === "succeeded" ? "ok" : result === "failed" || result === "cancelled" ? "bad" : "warn";
  const word = result === "in-progress" ? "running" : result;
  return html`<span class="badge ${tone}">${word}</span>`;
}

/** A duration in seconds as `1h 2m 3s` / `2m 3s` / `3s`. */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h ${m}m ${s % 60}s` : m > 0 ? `${m}m ${s % 60}s` : `${s}s`;
}
