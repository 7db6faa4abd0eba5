-- wrk_wechat.lua: signed WeChat Pay notifications, each sent once, for
-- bench/all.sh. Thread k reads PREFIXk, lines "timestamp TAB nonce TAB
-- signature TAB body" (build/platform_sim wechat-batch), and posts them in
-- turn to the URL; when its lines are used up it asks for something
-- harmless (the bench counts payments in the database).
--
--   wrk -tN -cM -d15s -s bench/wrk_wechat.lua URL -- PREFIX SERIAL

dofile("bench/wrk_report.lua")
dofile("bench/wrk_slices.lua")

local notes, next_note, path, serial

function init(args)
    serial = args[2]
    notes, next_note = read_slice(args[1]), 1
    path = wrk.path
end

function request()
    local note = notes[next_note]
    if not note then
        return wrk.format("GET", "/readyz")
    end
    next_note = next_note + 1
    local ts, nonce, sig, body = note:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    return wrk.format("POST", path, {
        ["Content-Type"] = "application/json",
        ["Wechatpay-Timestamp"] = ts,
        ["Wechatpay-Nonce"] = nonce,
        ["Wechatpay-Signature"] = sig,
        ["Wechatpay-Serial"] = serial,
        ["Wechatpay-Signature-Type"] = "WECHATPAY2-SHA256-RSA2048",
    }, body)
end
