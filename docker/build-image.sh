#!/usr/bin/env bash
# Builds the responder image without any registry and prints its tag (quirklab-responder:HASH) on stdout.
#   1. the base image quirklab-base:HASH: a minimal Debian (debootstrap --variant=minbase of bookworm with
#      openjdk-17-jre-headless and libpcap0.8, from the mirror of this machine's own apt sources), imported with
#      `docker import`;
#   2. the responder image quirklab-responder:HASH: docker/responder/Dockerfile on that base with the CLI jar.
# HASH is a content hash of each image's inputs, so an image is reused while its inputs are unchanged.
# Needs root (debootstrap), debootstrap and a Docker engine (DOCKER_HOST for another one than the local socket).
# QUIRKLAB_DEBIAN_MIRROR overrides the mirror; QUIRKLAB_IMAGE_WORK the directory debootstrap works in (/var/tmp).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUITE=bookworm
PACKAGES=openjdk-17-jre-headless,libpcap0.8
say() { printf 'build-image: %s\n' "$*" >&2; }

# The bookworm mirror of this machine's apt sources (deb822 or one-line format), else Debian's CDN.
mirror() {
  local uri
  if [ -n "${QUIRKLAB_DEBIAN_MIRROR:-}" ]; then echo "$QUIRKLAB_DEBIAN_MIRROR"; return; fi
  uri=$(awk -v s="$SUITE" '
      /^[[:space:]]*$/ { if (u != "" && ok) { print u; exit } u = ""; ok = 0; next }
      tolower($1) == "uris:" { u = $2 }
      tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == s) ok = 1 }
      END { if (u != "" && ok) print u }' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n 1 || true)
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk -v s="$SUITE" '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($(i+1) == s) { print $i; exit } } }' \
      /etc/apt/sources.list | head -n 1 || true)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

hash() { sha256sum | cut -c1-12; }

command -v docker >/dev/null || { say "docker is not installed (apt-get install docker.io)"; exit 3; }
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || { say "no Docker engine answers at ${DOCKER_HOST:-the local socket}"; exit 3; }

BASE="quirklab-base:$(printf 'debootstrap --variant=minbase --include=%s %s\n' "$PACKAGES" "$SUITE" | hash)"
if docker image inspect "$BASE" >/dev/null 2>&1; then
  say "base image $BASE exists: reused"
else
  command -v debootstrap >/dev/null || { say "debootstrap is not installed (apt-get install debootstrap)"; exit 3; }
  work="$(mktemp -d "${QUIRKLAB_IMAGE_WORK:-/var/tmp}/qlab-base.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  m="$(mirror)"
  say "making $BASE: debootstrap --variant=minbase --include=$PACKAGES $SUITE from $m"
  started=$SECONDS
  debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$work" "$m" > "$work.log" 2>&1 \
    || { say "debootstrap failed, last lines of its log:"; tail -n 5 "$work.log" >&2; rm -f "$work.log"; exit 1; }
  rm -f "$work.log"
  rm -rf "$work"/var/cache/apt/archives/*.deb "$work"/var/lib/apt/lists/*   # the image needs no package caches
  tar -C "$work" -c . | docker import -c 'ENV LANG=C.UTF-8' - "$BASE" >/dev/null
  rm -rf "$work"; trap - EXIT
  say "imported $BASE in $((SECONDS - started)) s"
fi

# the CLI jar, built by the launcher when missing or stale
"$ROOT/quirklab" --version >/dev/null
jar="$(ls -1 "$ROOT"/harness/target/quirklab-harness-*-cli.jar | head -n 1)"
IMAGE="quirklab-responder:$( { echo "$BASE"; sha256sum < "$ROOT/docker/responder/Dockerfile"; sha256sum < "$jar"; } | hash)"
if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  say "responder image $IMAGE exists: reused"
else
  ctx="$(mktemp -d "${QUIRKLAB_IMAGE_WORK:-/var/tmp}/qlab-ctx.XXXXXX")"
  trap 'rm -rf "$ctx"' EXIT
  cp "$ROOT/docker/responder/Dockerfile" "$jar" "$ctx/"
  # the classic builder: Debian's engine has no BuildKit front end here, and nothing is pulled
  DOCKER_BUILDKIT=0 docker build -q --network none --build-arg "BASE=$BASE" -t "$IMAGE" "$ctx" 2> >(grep -v -e DEPRECATED -e BuildKit -e environment-variable -e '^ *$' >&2) >/dev/null
  say "built $IMAGE"
  # older responder images are stale now: keep only this one (the base stays as the cache)
  docker images --format '{{.Repository}}:{{.Tag}}' quirklab-responder | grep -vx "$IMAGE" | xargs -r docker rmi >/dev/null 2>&1 || true
fi
echo "$IMAGE"
