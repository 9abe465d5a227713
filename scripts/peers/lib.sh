# Helpers for the peer recipes (sourced, not run).

# recipe_key FILE… — a short hash of the recipe's files: part of every cache key.
recipe_key() { cat "$@" | sha256sum | cut -c1-12; }

# publish TMP FINAL — move a finished build into place (another run may have won the race).
publish() {
  if [ -d "$2" ]; then rm -rf "$1"; else mv "$1" "$2"; fi
}
