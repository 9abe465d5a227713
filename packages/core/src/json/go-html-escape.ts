const HTML_UNSAFE = /[<>&\u2028\u2029]/g;

/**
 * Go's `json.Marshal` HTML-safe escaping, over JSON text: `<`, `>`, `&` and the line/paragraph
 * separators U+2028/U+2029 as `\u003c`, `\u003e`, `\u0026`, `\u2028`, `\u2029`. None of them is
 * ever JSON syntax, so over a whole document only string contents change.
 */
export function escapeGoHtml(jsonText: string): string {
  return jsonText.replace(HTML_UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
