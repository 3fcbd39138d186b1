#!/usr/bin/env bash
# Ready requests against a running transfer-api: two people sign up, one links a card and pays the other (funded by
# the card: the wallet is empty), the same request is sent again with the same Idempotency-Key (the same answer, no
# second payment), the other requests money and is paid from the wallet and changes his password (his old token
# refused from then on), then one error, as problem+json.
#
#   bash docs/requests.sh [base-url]        (default http://localhost:8080, the run command's API; needs curl)
#
# Each step prints the call, the HTTP status and the body. Exits non-zero if a call that should succeed does not.
# The contract of every call: docs/openapi.yaml (and Swagger UI at <base-url>/swagger-ui.html on the run command).
set -euo pipefail

BASE=${1:-${BASE:-http://localhost:8080}}
RUN=r$(date +%s)$RANDOM
PIN=2468

# call METHOD PATH [TOKEN] [IDEMPOTENCY-KEY] [JSON-BODY]: prints the exchange, leaves the body in $BODY
call() {
  local method=$1 path=$2 token=${3:-} key=${4:-} body=${5:-}
  local args=(-sS -X "$method" "$BASE$path" -w '\n%{http_code}')
  [[ -n $token ]] && args+=(-H "Authorization: Bearer $token" -H "Wallet-Pin: $PIN")
  [[ -n $key ]] && args+=(-H "Idempotency-Key: $key")
  [[ -n $body ]] && args+=(-H 'Content-Type: application/json' -d "$body")
  local out
  out=$(curl "${args[@]}")
  STATUS=${out##*$'\n'}
  BODY=${out%$'\n'*}
  printf '\n%s %s -> %s\n%s\n' "$method" "$path" "$STATUS" "$BODY"
}

# expect STATUS: fails the script when the last call answered otherwise
expect() {
  if [[ $STATUS != "$1" ]]; then
    echo "expected HTTP $1, got $STATUS" >&2
    exit 1
  fi
}

# field NAME: the first string or number value of NAME in $BODY
field() {
  sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" <<<"$BODY" | head -1
}

call POST /v1/users "" "" "{\"username\":\"alice_$RUN\",\"email\":\"alice_$RUN@example.com\",\"password\":\"correct horse 1\",\"pin\":\"$PIN\"}"
expect 201
ALICE=$(field id)
call POST /v1/users "" "" "{\"username\":\"bob_$RUN\",\"email\":\"bob_$RUN@example.com\",\"password\":\"correct horse 1\",\"pin\":\"$PIN\"}"
expect 201
BOB=$(field id)

call POST /v1/auth/token "" "" "{\"username\":\"alice_$RUN\",\"password\":\"correct horse 1\"}"
expect 200
ALICE_TOKEN=$(field access_token)
call POST /v1/auth/token "" "" "{\"username\":\"bob_$RUN\",\"password\":\"correct horse 1\"}"
expect 200
BOB_TOKEN=$(field access_token)

# the simulator's test card; any future expiry
call POST /v1/me/payment-methods "$ALICE_TOKEN" "" "{\"type\":\"card\",\"card_number\":\"4242424242424242\",\"exp_month\":12,\"exp_year\":$(($(date +%Y) + 3))}"
expect 201

# a new Idempotency-Key for each new money call
key() { cat /proc/sys/kernel/random/uuid 2>/dev/null || uuidgen; }

KEY=$(key)
PAYMENT="{\"receiver_id\":\"$BOB\",\"amount_cents\":1250,\"note\":\"pizza\",\"visibility\":\"friends\"}"
call POST /v1/transfers "$ALICE_TOKEN" "$KEY" "$PAYMENT"
expect 201
FIRST=$BODY
# the same request with the same key: the stored answer, byte for byte, and no second payment
call POST /v1/transfers "$ALICE_TOKEN" "$KEY" "$PAYMENT"
expect 201
[[ $BODY == "$FIRST" ]] || { echo "the replay answered differently" >&2; exit 1; }

call GET /v1/me/wallet "$BOB_TOKEN"
expect 200

call POST /v1/payment-requests "$BOB_TOKEN" "$(key)" "{\"payer_id\":\"$ALICE\",\"amount_cents\":300,\"note\":\"half the tip\"}"
expect 201
REQUEST=$(field id)
call POST "/v1/payment-requests/$REQUEST/pay" "$ALICE_TOKEN" "$(key)"
expect 201

call GET "/v1/me/transfers?limit=5" "$ALICE_TOKEN"
expect 200

# bob changes his password: every token of his stops working, the one that asked too, and the answer is a new one
call PUT /v1/me/password "$BOB_TOKEN" "" '{"password":"correct horse 1","new_password":"battery staple 2"}'
expect 200
NEW_BOB_TOKEN=$(field access_token)
call GET /v1/me "$BOB_TOKEN"
expect 401
call GET /v1/me "$NEW_BOB_TOKEN"
expect 200

# an error: a payment that is not there
call GET /v1/transfers/00000000-0000-0000-0000-000000000000 "$ALICE_TOKEN"
expect 404

echo
echo "done: alice paid bob 12.50 by card (once, though asked twice) and 3.00 from a request"
