-- A protocol on pcap link type USER0 (147), registered through wtap_encap
-- with a WTAP number as tshark scripts do; reads its header with Struct.
local p = Proto("ucust", "User DLT custom")
local f_type = ProtoField.uint16("ucust.type", "Type", base.HEX)
local f_val = ProtoField.uint32("ucust.value", "Value")
local f_msg = ProtoField.string("ucust.msg", "Message")
p.fields = {f_type, f_val, f_msg}
function p.dissector(tvb, pinfo, tree)
  pinfo.cols.protocol = "UCUST"
  local t = tree:add(p, tvb())
  local ty, val = Struct.unpack(">HI", tvb:raw(0, 6))
  t:add(f_type, tvb(0, 2))
  t:add(f_val, tvb(2, 4))
  t:add(f_msg, tvb(6))
  pinfo.cols.info = string.format("type=%d value=%d", ty, val)
  return tvb:len()
end
DissectorTable.get("wtap_encap"):add(wtap_encaps.USER0, p)
