#!/usr/bin/env bash
# Checks rapport's Twilio requests against Twilio's own OpenAPI description of the
# 2010-04-01 API, with a validating mock server: Prism answers 422 (or 401) to a
# request the description does not allow. Both come from the npm registry, pinned:
# the description (twilio-oai's spec/yaml/twilio_api_v2010.yaml) ships inside
# @twilio-alpha/mcp, Prism is @stoplight/prism-cli. Needs node and npm; caches them
# under target/twilio-openapi. Not part of `cargo test` (which skips this check).
set -euo pipefail
cd "$(dirname "$0")/.."
cache=target/twilio-openapi
spec="$cache/package/twilio-oai/spec/yaml/twilio_api_v2010.yaml"
mkdir -p "$cache"
if [ ! -f "$spec" ]; then
  (cd "$cache" && npm pack --silent @twilio-alpha/mcp@0.7.0 >/dev/null \
     && tar xzf twilio-alpha-mcp-0.7.0.tgz package/twilio-oai/spec/yaml/twilio_api_v2010.yaml)
fi
if [ ! -x "$cache/node_modules/.bin/prism" ]; then
  (cd "$cache" && npm install --silent --no-audit --no-fund --ignore-scripts @stoplight/prism-cli@5.16.0)
fi
port=$((20000 + RANDOM % 20000))
log="$cache/prism.log"
"$cache/node_modules/.bin/prism" mock -h 127.0.0.1 -p "$port" "$spec" >"$log" 2>&1 &
prism=$!
trap 'kill "$prism" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  grep -q "Prism is listening" "$log" && break
  kill -0 "$prism" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 1
done
RAPPORT_TWILIO_OPENAPI_URL="http://127.0.0.1:$port" \
  cargo test --test twilio_openapi -- --nocapture
# Every request we made passed the description's rules (Prism logs each check).
checked=$(grep -c "The request passed the validation rules" "$log" || true)
refused=$(grep -c "Request terminated\|Invalid security scheme" "$log" || true)
echo "requests validated against twilio_api_v2010.yaml: $checked passed, $refused refused"
[ "$refused" -eq 0 ] && [ "$checked" -gt 0 ]
