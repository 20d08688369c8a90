-- Loops forever on responses: the instruction budget must cut it off.
local p = Proto("loopdns", "DNS that loops")
local f_id = ProtoField.uint16("loopdns.id", "Transaction ID", base.HEX)
p.fields = { f_id }

function p.dissector(buf, pinfo, tree)
  local t = tree:add(p, buf(0, 12))
  t:add(f_id, buf(0, 2))
  if bit.band(buf(2, 1):uint(), 0x80) ~= 0 then
    local n = 0
    while true do n = n + 1 end
  end
  return buf:len()
end

DissectorTable.get("udp.port"):add(32958, p)
