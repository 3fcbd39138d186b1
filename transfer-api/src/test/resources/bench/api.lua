-- wrk script of TransferBench. BENCH_MODE=transfers: POST /v1/transfers between random users (or to one hot
-- receiver), each with its own Idempotency-Key; BENCH_MODE=wallet: GET /v1/me/wallet as random users (the floor: the
-- HTTP, token and framework path with one indexed read). Reads BENCH_USERS (a file of "user-id token" lines) and
-- BENCH_HOT (the receiver's line index, or -1), counts responses by status, and prints one RESULT line for
-- TransferBench to parse. BENCH_MODE=card: the same transfers, each from a random payer of BENCH_PAYERS (users with
-- an empty wallet and a card, so every transfer is charged to the card at the simulated network first).
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  users = {}
  for line in io.lines(os.getenv("BENCH_USERS")) do
    local id, token = line:match("^(%S+) (%S+)$")
    users[#users + 1] = { id = id, auth = "Bearer " .. token }
  end
  mode = os.getenv("BENCH_MODE")
  payers = users
  if mode == "card" then
    payers = {}
    for line in io.lines(os.getenv("BENCH_PAYERS")) do
      local id, token = line:match("^(%S+) (%S+)$")
      payers[#payers + 1] = { id = id, auth = "Bearer " .. token }
    end
  end
  hot = tonumber(os.getenv("BENCH_HOT") or "-1")
  prefix = os.getenv("BENCH_RUN") .. "-" .. tid .. "-"
  counter = 0
  statuses = {}
  math.randomseed(os.time() * 100 + tid)
end

function request()
  if mode == "wallet" then
    return wrk.format("GET", "/v1/me/wallet", { ["Authorization"] = users[math.random(#users)].auth })
  end
  local from, to
  repeat
    from = math.random(#payers)
    to = hot >= 0 and hot + 1 or math.random(#users)
  until payers ~= users or from ~= to
  counter = counter + 1
  local body = '{"receiver_id":"' .. users[to].id .. '","amount_cents":' .. math.random(1, 99)
    .. ',"note":"bench"}'
  return wrk.format("POST", "/v1/transfers", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = payers[from].auth,
    ["Idempotency-Key"] = prefix .. counter,
  }, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(counts) do
    parts[#parts + 1] = status .. ":" .. n
  end
  io.write(string.format("RESULT requests=%d micros=%d errors=%d p50=%d p95=%d p99=%d max=%d statuses=%s\n",
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    table.concat(parts, ",")))
end
