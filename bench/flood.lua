-- wrk script for bench/auth-flood: a flood of unauthenticated requests, each from another client
-- address (X-Forwarded-For, believed because the server trusts 127.0.0.1 as a proxy).
--
-- BENCH_FLOOD_FILE names a file of lines "<Authorization value>\t<address>", written by
-- bench/auth-flood; each request sends the next line's pair (each thread starts elsewhere in it).
-- done() prints how many answers of each status the flood got.

local entries = {}
local index = 0
statuses = {}  -- a global: done() reads it from each thread
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("offset", #threads * 7919)
end

function init(args)
  local file = assert(io.open(os.getenv("BENCH_FLOOD_FILE"), "r"))
  for line in file:lines() do
    local authorization, address = line:match("^([^\t]+)\t(.+)$")
    if authorization then entries[#entries + 1] = { authorization, address } end
  end
  file:close()
  index = (offset or 0) % #entries
end

function request()
  index = index % #entries + 1
  local headers = {}
  for key, value in pairs(wrk.headers) do headers[key] = value end
  headers["Authorization"] = entries[index][1]
  headers["X-Forwarded-For"] = entries[index][2]
  return wrk.format(nil, nil, headers)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses") or {}) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(totals) do parts[#parts + 1] = status .. ":" .. count end
  table.sort(parts)
  io.write("flood statuses: " .. table.concat(parts, " ") .. "\n")
end
