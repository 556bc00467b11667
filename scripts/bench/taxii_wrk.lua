-- wrk script for scripts/bench/taxii.sh: 100-object pages of a TAXII collection, each request
-- from a random point of it. Environment:
--   TAXII_PATH   the collection's objects path (…/collections/ID/objects/)
--   TAXII_MODE   first | after | type   (first page; added_after a random time; the same with match[type])
--   TAXII_MIN_US, TAXII_MAX_US   where `added_after` is drawn from, microseconds since 1970 (taxii.sh
--                                gives a range after every point of which a full page follows)
--   TAXII_TYPE   the type for `type`
--   TAXII_AUTH   the Authorization header's value
local path = os.getenv("TAXII_PATH")
local mode = os.getenv("TAXII_MODE") or "after"
local min_us = tonumber(os.getenv("TAXII_MIN_US") or "0")
local max_us = tonumber(os.getenv("TAXII_MAX_US") or "0")
local stix_type = os.getenv("TAXII_TYPE") or "identity"
wrk.headers["Accept"] = "application/taxii+json;version=2.1"
wrk.headers["Authorization"] = os.getenv("TAXII_AUTH")

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
end

local function random_time()
  local us = min_us + math.floor(math.random() * (max_us - min_us))
  local seconds = math.floor(us / 1000000)
  return os.date("!%Y-%m-%dT%H:%M:%S", seconds) .. string.format(".%06dZ", us - seconds * 1000000)
end

function request()
  local query = "?limit=100"
  if mode == "after" then
    query = query .. "&added_after=" .. random_time()
  elseif mode == "type" then
    query = query .. "&match%5Btype%5D=" .. stix_type .. "&added_after=" .. random_time()
  end
  return wrk.format("GET", path .. query)
end

function done(summary, latency, requests)
  io.write(string.format("WRK requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
