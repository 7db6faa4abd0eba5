-- wrk_report.lua: for bench/progress.sh, a wrk script that ends with one
-- machine-readable line. Latencies in milliseconds; "bad" counts non-2xx
-- answers and socket errors.
--
--   wrk -t1 -c1 -d15s -H ... -s bench/wrk_report.lua URL

local function result(summary, latency)
    local e = summary.errors
    io.write(string.format(
        "RESULT requests=%d bad=%d seconds=%.2f rps=%.1f " ..
        "p50=%.2f p90=%.2f p99=%.2f max=%.2f\n",
        summary.requests, e.status + e.connect + e.read + e.write + e.timeout,
        summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(90) / 1000,
        latency:percentile(99) / 1000, latency.max / 1000))
end

done = function(summary, latency, requests)
    result(summary, latency)
end
