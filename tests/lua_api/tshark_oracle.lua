-- tshark side of the Tvb API oracle test: a udp.port 7777 dissector that
-- prints every expression of exprs.lua on the payload of packet 1, and on
-- packet 2 tries the Tvb and TvbRange kept from packet 1 (expired).
-- Argument 1: the folder holding exprs.lua and eval_exprs.lua.
local dir = ...
local exprs, expired = dofile(dir .. "/exprs.lua")
local eval = dofile(dir .. "/eval_exprs.lua")
local p = Proto("tvbapi", "Tvb API oracle")
local kept
function p.dissector(tvb, pinfo, tree)
  if pinfo.visited then return end
  if not kept then
    for _, line in ipairs(eval(exprs, tvb)) do print(line) end
    kept = {kept_tvb = tvb, kept_range = tvb(0, 4)}
  else
    for _, line in ipairs(eval(expired, tvb, kept)) do print(line) end
  end
end
DissectorTable.get("udp.port"):add(7777, p)
