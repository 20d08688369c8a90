-- Keeps the TreeItem, Tvb and TvbRange of one packet and uses them in the
-- next, which Wireshark refuses ("expired"): each later packet must get a
-- Lua error expert, not a crash or a write into another packet's tree.
local p = Proto("keepdns", "DNS that keeps objects")
local f_id = ProtoField.uint16("keepdns.id", "Transaction ID", base.HEX)
p.fields = { f_id }
local kept_tree, kept_tvb, kept_range
local n = 0

function p.dissector(buf, pinfo, tree)
  n = n + 1
  local t = tree:add(p, buf(0, 12))
  t:add(f_id, buf(0, 2))
  if n % 3 == 2 then
    kept_tree:add(f_id, buf(0, 2))
  elseif n % 3 == 0 then
    local _ = (n % 2 == 0) and kept_tvb:len() or kept_range:uint()
  end
  kept_tree, kept_tvb, kept_range = t, buf, buf(0, 2)
  return buf:len()
end

DissectorTable.get("udp.port"):add(32958, p)
