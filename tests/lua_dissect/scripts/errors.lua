-- Runtime errors on some packets (frames whose DNS id is odd); the others
-- dissect normally. For the Lua dissector tests.
local p = Proto("errdns", "DNS with errors")
local f_id = ProtoField.uint16("errdns.id", "Transaction ID", base.HEX)
p.fields = { f_id }

function p.dissector(buf, pinfo, tree)
  local t = tree:add(p, buf(0, 12))
  t:add(f_id, buf(0, 2))
  if buf(0, 2):uint() % 2 == 1 then
    local missing = nil
    return missing.field
  end
  return buf:len()
end

DissectorTable.get("udp.port"):add(32958, p)
