#!/usr/bin/env bash
# Installs Amazon's DynamoDB Local into .local/cache/dynamodb-local.
# No Docker here, so the jar comes from the npm package amplify-dynamodb-simulator,
# which ships DynamoDB Local 1.25.1 under emulator/. The tarball is pinned by
# version and sha256; its npm dependencies are not needed and not installed.
# It also compiles internal/ddblocal/DynamoDBLocalLoopback.java, the launcher
# that makes DynamoDB Local listen on 127.0.0.1 only (it has no bind option).
set -euo pipefail
VERSION=2.9.30
SHA256=3503ffac19f183407909fecdacf4db51ab1fdad1da7b2f177016670b2d80e4b9
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/.local/cache/dynamodb-local"
launcher="$root/internal/ddblocal/DynamoDBLocalLoopback.java"

# install_launcher compiles the loopback launcher into $dest/loopback, again
# whenever its source changes (the Go side checks the same sha256).
install_launcher() {
  local sum
  sum=$(sha256sum "$launcher" | cut -d' ' -f1)
  if [ -f "$dest/loopback/DynamoDBLocalLoopback.class" ] && [ "$(cat "$dest/loopback/source.sha256" 2>/dev/null)" = "$sum" ]; then
    return 0
  fi
  command -v javac >/dev/null || { echo "DynamoDB Local's loopback launcher needs a Java 17 JDK (javac not found on PATH)" >&2; exit 1; }
  local out
  out=$(mktemp -d "$dest/loopback.XXXXXX")
  javac --release 17 -d "$out" "$launcher"
  echo "$sum" > "$out/source.sha256"
  rm -rf "$dest/loopback"
  # A concurrent install may have won the rename: its launcher is the same.
  mv -T "$out" "$dest/loopback" 2>/dev/null || rm -rf "$out"
}

if [ -f "$dest/DynamoDBLocal.jar" ] && [ "$(cat "$dest/.version" 2>/dev/null)" = "$VERSION" ]; then
  install_launcher
  exit 0
fi
command -v java >/dev/null || { echo "DynamoDB Local needs Java 17 (java not found on PATH)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "Installing DynamoDB Local (amplify-dynamodb-simulator@$VERSION)..." >&2
(cd "$tmp" && npm pack --silent "amplify-dynamodb-simulator@$VERSION" >/dev/null)
tgz="$tmp/amplify-dynamodb-simulator-$VERSION.tgz"
echo "$SHA256  $tgz" | sha256sum -c --quiet - || { echo "checksum mismatch for $tgz" >&2; exit 1; }
tar -xzf "$tgz" -C "$tmp"
rm -rf "$dest"
mkdir -p "$dest"
cp -R "$tmp/package/emulator/." "$dest/"
echo "$VERSION" > "$dest/.version"
install_launcher
echo "DynamoDB Local installed in $dest" >&2
