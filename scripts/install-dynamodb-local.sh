#!/usr/bin/env bash
# Installs Amazon's DynamoDB Local into .local/cache/dynamodb-local.
# No Docker here, so the jar comes from the npm package amplify-dynamodb-simulator,
# which ships DynamoDB Local 1.25.1 under emulator/. The tarball is pinned by
# version and sha256; its npm dependencies are not needed and not installed.
set -euo pipefail
VERSION=2.9.30
SHA256=3503ffac19f183407909fecdacf4db51ab1fdad1da7b2f177016670b2d80e4b9
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/.local/cache/dynamodb-local"
if [ -f "$dest/DynamoDBLocal.jar" ] && [ "$(cat "$dest/.version" 2>/dev/null)" = "$VERSION" ]; then
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
echo "DynamoDB Local installed in $dest" >&2
