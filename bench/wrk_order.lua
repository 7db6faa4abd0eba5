-- wrk_order.lua: POST /v1/payment-orders (WeChat Pay) for distinct
-- residents, for bench/all.sh. Thread k reads PREFIXk, lines "n,id_number,
-- amount" of residents still unpaid, and writes OUTk, one line
-- "out_trade_no amount_fen" per order created (the input of
-- build/platform_sim wechat-batch). When its lines are used up a thread
-- asks for something harmless; the bench stops wrk (SIGINT) once the
-- orders stop coming.
--
--   wrk -tN -cM -d60s -s bench/wrk_order.lua URL -- PREFIX YEAR OUT

dofile("bench/wrk_report.lua")
dofile("bench/wrk_slices.lua")

local lines, next_line, year, out

function init(args)
    year = args[2]
    lines, next_line = read_slice(args[1]), 1
    out = assert(io.open(args[3] .. id, "w"))
    out:setvbuf("line")
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
end

function request()
    local line = lines[next_line]
    if not line then
        return wrk.format("GET", "/readyz")
    end
    next_line = next_line + 1
    local idn = line:match("^%d+,([^,]+),")
    return wrk.format(nil, nil, nil, string.format(
        '{"id_numbers":["%s"],"year":%s,"tier":1,"channel":"wechat"}',
        idn, year))
end

function response(status, headers, body)
    if status == 201 then
        out:write(body:match('"out_trade_no":"([^"]+)"'), " ",
                  body:match('"amount":(%d+)'), "\n")
    end
end
