#!/usr/bin/env sh
# The address a GitHub Pages site of the repository is published at, for mkdocs.yml's
# site_url, as the line `KB_SITE_URL=<address>`: tools/site_url.sh OWNER REPO [GIVEN]
#   GIVEN (e.g. a custom domain, from the repository variable KB_SITE_URL) wins when set;
#   the repository OWNER.github.io is the owner's own site, https://owner.github.io/;
#   any other repository is a project site, https://owner.github.io/REPO/.
set -eu
owner=$(printf '%s' "$1" | tr 'A-Z' 'a-z')
repo=$2
given=${3:-}
if [ -n "$given" ]; then
  case "$given" in
    *[[:space:]]*) echo "KB_SITE_URL must be one address without spaces, got '$given'" >&2; exit 1 ;;
    http://*|https://*) ;;
    *) echo "KB_SITE_URL must start with http:// or https://, got '$given'" >&2; exit 1 ;;
  esac
  case "$given" in
    */) printf 'KB_SITE_URL=%s\n' "$given" ;;
    *) printf 'KB_SITE_URL=%s/\n' "$given" ;;
  esac
elif [ "$(printf '%s' "$repo" | tr 'A-Z' 'a-z')" = "$owner.github.io" ]; then
  printf 'KB_SITE_URL=https://%s/\n' "$owner.github.io"
else
  printf 'KB_SITE_URL=https://%s/%s/\n' "$owner.github.io" "$repo"
fi
