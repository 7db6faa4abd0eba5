-- wrk_pay.lua: POST /v1/payments at full speed for distinct residents,
-- for bench/progress.sh. Thread k reads PREFIXk, lines "n,id_number,amount"
-- of residents still unpaid (n numbers the external_id BP-n); the bench
-- splits one list into as many files as threads and runs as many threads
-- as connections, so each connection pays for a slice of its own and no
-- two requests pay for the same person.
--
--   wrk -tN -cN -d20s -s bench/wrk_pay.lua URL -- PREFIX YEAR PAID_AT

-- the RESULT line at the end (done()) is wrk_report.lua's
dofile("bench/wrk_report.lua")
dofile("bench/wrk_slices.lua")

local lines, next_line, year, paid_at

function init(args)
    year, paid_at = args[2], args[3]
    lines, next_line = read_slice(args[1]), 1
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
end

function request()
    local line = lines[next_line]
    if not line then
        -- the slice is used up (the bench prepares more than a run can
        -- use, and counts the payments made from the database): ask for
        -- something harmless
        return wrk.format("GET", "/readyz")
    end
    next_line = next_line + 1
    local n, idn, amount = line:match("^(%d+),([^,]+),(%d+)$")
    local body = string.format(
        '{"id_numbers":["%s"],"year":%s,"tier":1,"channel":"bank",' ..
        '"amount":%s,"external_id":"BP-%s","paid_at":"%s"}',
        idn, year, amount, n, paid_at)
    return wrk.format(nil, nil, nil, body)
end

