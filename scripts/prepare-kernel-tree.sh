#!/bin/sh
# Prepare the shared base kernel repository that every lane is cut from.
#
#   scripts/prepare-kernel-tree.sh            # prints the repo path on stdout
#   BPFCI_CACHE=/some/dir scripts/prepare-kernel-tree.sh
#
# Result: ${BPFCI_CACHE:-/var/cache/bpfci}/linux-6.1, a git repo of Debian's
# linux-source-6.1 tarball with one commit tagged `base-6.1`, plus an empty
# ${BPFCI_CACHE}/ccache directory for the build stage.
#
# Idempotent and cached: a stamp file makes a second run instant, and a flock
# makes two concurrent callers safe (the second waits, then sees the stamp).
# A run that died half-way leaves no stamp; the next run starts over.
#
# Why the tree is massaged before the commit:
# - Debian appends a block to the top-level .gitignore that ignores everything
#   at the top level ("/*"), so `git add` would add nothing. We cut it.
# - With that block gone the kernel's own ".*" rule still hides every dotfile,
#   including ~300 .gitignore files. Every file in the tarball is source, so we
#   add the whole fresh extraction with `git add -f -A`: lanes then see built
#   objects as ignored, and `git clean` cannot eat in-tree build output.
# - An empty .scmversion pins the kernel release string (6.1's setlocalversion
#   reads it instead of asking git). Without it the release changes with every
#   commit, which recompiles objects that include utsrelease.h and makes
#   bpf_testmod.ko mismatch, and git would have to run inside the sandbox.
# - gc.auto=0: the commit leaves ~80k loose objects; an automatic gc would eat
#   a core for a minute in the background of the first build.
set -eu

TARBALL=${BPFCI_KERNEL_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
CACHE=${BPFCI_CACHE:-/var/cache/bpfci}
REPO=$CACHE/linux-6.1
STAMP=$CACHE/linux-6.1.prepared
TAG=base-6.1

mkdir -p "$CACHE" "$CACHE/ccache"
exec 9>"$CACHE/prepare.lock"
flock 9

if [ -f "$STAMP" ] && git -C "$REPO" rev-parse -q --verify "refs/tags/$TAG" >/dev/null 2>&1; then
  echo "$REPO"
  exit 0
fi

[ -r "$TARBALL" ] || { echo "prepare-kernel-tree: $TARBALL not found (apt-get install linux-source-6.1)" >&2; exit 2; }

echo "prepare-kernel-tree: extracting $TARBALL into $REPO" >&2
rm -rf "$REPO" "$REPO.tmp"
mkdir -p "$REPO.tmp"
tar -C "$REPO.tmp" -xJf "$TARBALL"
top=$(ls "$REPO.tmp")
[ "$(echo "$top" | wc -l)" -eq 1 ] || { echo "prepare-kernel-tree: unexpected tarball layout: $top" >&2; exit 2; }
mv "$REPO.tmp/$top" "$REPO"
rmdir "$REPO.tmp"

cd "$REPO"
# Cut Debian's block ("#" then "# Debian packaging: ...") off .gitignore.
n=$(grep -n '^# Debian packaging' .gitignore | head -n 1 | cut -d: -f1)
if [ -n "$n" ]; then
  head -n $((n - 2)) .gitignore > .gitignore.new
  mv .gitignore.new .gitignore
fi
: > .scmversion

export GIT_AUTHOR_NAME=bpfci GIT_AUTHOR_EMAIL=bpfci@localhost.invalid
export GIT_COMMITTER_NAME=bpfci GIT_COMMITTER_EMAIL=bpfci@localhost.invalid
export GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' GIT_COMMITTER_DATE='2000-01-01T00:00:00Z'
git init -q -b master .
git config gc.auto 0
git add -f -A .
git -c gc.auto=0 commit -q -m "Debian linux-source-6.1 baseline (bpfci base)"
git tag "$TAG"

n=$(git ls-files | grep -c '\.gitignore$' || true)
[ "$n" -gt 100 ] || { echo "prepare-kernel-tree: only $n .gitignore files tracked" >&2; exit 2; }
touch "$STAMP"
echo "prepare-kernel-tree: done ($(git ls-files | wc -l) files, $n .gitignore)" >&2
echo "$REPO"
