-- Shared by both wrk runs: a Bearer token header on every request, and at the end the latency percentiles
-- (ms) and the status-code errors into the file named by WRK_REPORT ("chart<TAB>series<TAB>p<TAB>ms" lines
-- plus "#" summary lines).
local token = os.getenv("WRK_TOKEN")
wrk.headers["Authorization"] = "Bearer " .. token

local upload = os.getenv("WRK_UPLOAD_FILE")
if upload then
  local f = assert(io.open(upload, "rb"))
  local content = f:read("*a")
  f:close()
  local boundary = "----fileconvbench7d3f"
  local name = os.getenv("WRK_UPLOAD_NAME") or "document.txt"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
  wrk.body = "--" .. boundary .. "\r\n"
    .. "Content-Disposition: form-data; name=\"file\"; filename=\"" .. name .. "\"\r\n"
    .. "Content-Type: application/octet-stream\r\n\r\n"
    .. content .. "\r\n--" .. boundary .. "--\r\n"
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("WRK_REPORT"), "w"))
  local series = os.getenv("WRK_SERIES") or "requests"
  for _, p in ipairs({1, 5, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 95, 97.5, 99, 99.5, 99.9, 100}) do
    local v = (p == 100) and latency.max or latency:percentile(p)
    out:write(string.format("api\t%s\t%g\t%.3f\n", series, p, v / 1000.0))
  end
  out:write(string.format("# requests=%d duration_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
  out:close()
end
