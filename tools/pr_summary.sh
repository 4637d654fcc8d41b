#!/bin/sh
# Usage: tools/pr_summary.sh BASE_COMMIT
# Prints, in Markdown, how the site's pages at the working tree differ from those of BASE_COMMIT:
# both are generated with their own code, then compared with `build_kb.py diff`.
set -eu
base_commit=$1
work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/kb-base.XXXXXX")
cleanup() {
    git worktree remove --force "$work/base" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
git worktree add --quiet --detach "$work/base" "$base_commit"
if ! (cd "$work/base" && python build_kb.py >&2); then
    # A broken base must not hide what the change does: compare with no pages at all.
    rm -rf "$work/base/docs"
    echo "> The pages of the base commit could not be generated; every page counts as added."
    echo
fi
python build_kb.py >&2
python build_kb.py diff "$work/base/docs" docs
