#!/usr/bin/env bash
# Extracts the sources listed in repos.tsv to a folder outside the repository (default /tmp/realcode-run),
# one subfolder per repository (owner+name), for `--real`. No third-party code is kept in this repository.
#
# The git directories come from this environment's `fetch` tool (fetch github:owner/name), which leaves a bare
# git dir at /work/.mirror/owner+name/repo. Elsewhere, `git clone --bare https://github.com/owner/name` gives the same.
set -euo pipefail
dest=${1:-/tmp/realcode-run}
mirror=${MIRROR:-/work/.mirror}
here=$(cd "$(dirname "$0")" && pwd)
grep -v '^#' "$here/repos.tsv" | while IFS=$'\t' read -r repo commit paths; do
  name=${repo/\//+}
  gitdir=$mirror/$name/repo
  [ -d "$gitdir" ] || { echo "missing $gitdir: run the fetch tool on github:$repo" >&2; exit 1; }
  rm -rf "${dest:?}/$name" && mkdir -p "$dest/$name"
  # `git archive <commit> -- <paths> | tar -x -C <dest>` is the plain way, but snapshots here lack blobs of 4 MiB
  # and more (a few generated .cs files), which makes archive fail: copy the files one by one, skipping those.
  git --git-dir="$gitdir" ls-tree -r --name-only "$commit" -- $paths | grep '\.cs$' | while read -r file; do
    mkdir -p "$dest/$name/$(dirname "$file")"
    git --git-dir="$gitdir" cat-file blob "$commit:$file" > "$dest/$name/$file" 2>/dev/null || { rm -f "$dest/$name/$file"; echo "absent: $repo $file" >&2; }
  done
  echo "$repo@${commit:0:12}: $(find "$dest/$name" -name '*.cs' | wc -l) files"
done
