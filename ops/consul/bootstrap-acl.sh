#!/bin/sh
# One-shot: creates (or brings up to date) one ACL policy and one token per service in Consul, with
# the fixed secret IDs docker-compose.yml gives the services as CONSUL_TOKEN. Safe to run again: an
# existing policy gets the rules from ops/consul/policies/<name>.hcl, an existing token its policy.
#
# Runs in the hashicorp/consul image. Environment:
#   CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN  Consul's address and the initial management token
#   CONSUL_AGENT_TOKEN, CONSUL_GATEWAY_TOKEN, CONSUL_API_SERVICE_TOKEN, CONSUL_WS_SERVICE_TOKEN
set -eu

POLICIES=/ops/consul/policies

# Leader elected is not enough: the ACL system answers "ACL system must be bootstrapped" or
# "ACL support disabled" for a moment after, so wait until a management call succeeds.
tries=0
until consul acl policy list >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "bootstrap-acl: Consul's ACL system did not answer within 60 s:" >&2
    consul acl policy list >&2 || true
    exit 1
  fi
  sleep 1
done

is_uuid() {
  echo "$1" | grep -Eq '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
}

# apply NAME SECRET: policy "reconnect-NAME" from $POLICIES/NAME.hcl, and a token with that secret ID.
apply() {
  name=$1
  secret=$2
  policy="reconnect-$name"
  if ! is_uuid "$secret"; then
    echo "bootstrap-acl: the token for $name must be a UUID (Consul requires it), is '$secret'" >&2
    exit 1
  fi
  if consul acl policy read -name "$policy" >/dev/null 2>&1; then
    consul acl policy update -name "$policy" -rules "@$POLICIES/$name.hcl" >/dev/null
  else
    consul acl policy create -name "$policy" -description "$name (docker-compose.yml)" \
      -rules "@$POLICIES/$name.hcl" >/dev/null
  fi
  # A token can always read itself: that tells whether this secret exists already, and its accessor.
  accessor=$(CONSUL_HTTP_TOKEN="$secret" consul acl token read -self -format=json 2>/dev/null \
    | sed -n 's/^ *"AccessorID": *"\([^"]*\)".*/\1/p' || true)
  if [ -n "$accessor" ]; then
    consul acl token update -id "$accessor" -policy-name "$policy" -description "$name" >/dev/null
    echo "bootstrap-acl: $name: policy $policy, token $accessor updated"
  else
    consul acl token create -secret "$secret" -policy-name "$policy" -description "$name" >/dev/null
    echo "bootstrap-acl: $name: policy $policy, token created"
  fi
}

apply agent "$CONSUL_AGENT_TOKEN"
apply gateway "$CONSUL_GATEWAY_TOKEN"
apply api-service "$CONSUL_API_SERVICE_TOKEN"
apply ws-service "$CONSUL_WS_SERVICE_TOKEN"

# The anonymous token (no X-Consul-Token) keeps no rights: with default_policy deny it can read
# nothing, which is what a service that was not given its token should see.
echo "bootstrap-acl: done"
