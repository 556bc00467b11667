-- wrk script for scripts/bench/workbench.sh: the session cookie from RASTRO_COOKIE, and the
-- latency median and 95th percentile (ms) and the error count on one line at the end.
wrk.headers["Cookie"] = os.getenv("RASTRO_COOKIE")
wrk.headers["Accept-Language"] = "es-MX"

done = function(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout
  io.write(string.format("RESULT %d %.2f %.2f %d\n", summary.requests, latency:percentile(50) / 1000,
                         latency:percentile(95) / 1000, bad))
end
