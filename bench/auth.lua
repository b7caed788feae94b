-- wrk script for bench/auth: every request carries one header from a rotation.
--
-- BENCH_HEADERS_FILE names a file with one "Name: value" header per line (blank lines are
-- ignored). Each request sends the next header in turn. An empty or missing file means a
-- plain request. The requests are formatted once in init(), so the per-request cost in wrk is
-- the same for every scenario (one Lua call returning a ready string), whether it rotates
-- through one header or many: the scenarios' figures stay comparable.

local requests = {}
local index = 0

-- wrk's own headers (Host with the port, any -H given) plus one more.
local function with(name, value)
  local headers = {}
  for key, existing in pairs(wrk.headers) do headers[key] = existing end
  if name then headers[name] = value end
  return headers
end

function init(args)
  local path = os.getenv("BENCH_HEADERS_FILE")
  local file = path and path ~= "" and io.open(path, "r") or nil
  if file then
    for line in file:lines() do
      local name, value = line:match("^([^:]+):%s*(.-)%s*$")
      if name then
        requests[#requests + 1] = wrk.format(nil, nil, with(name, value))
      end
    end
    file:close()
  end
  if #requests == 0 then
    requests[1] = wrk.format(nil, nil, with(nil, nil))
  end
end

function request()
  index = index % #requests + 1
  return requests[index]
end
