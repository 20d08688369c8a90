-- A postdissector: sees every frame after the other dissectors.
local p = Proto("postlen", "Frame length postdissector")
local f_len = ProtoField.uint32("postlen.len", "Captured length")
local f_udp = ProtoField.bool("postlen.udp", "Carries UDP")
p.fields = { f_len, f_udp }
local udp_port = Field.new("udp.srcport")

function p.dissector(buf, pinfo, tree)
  local t = tree:add(p, buf(0, 0))
  t:add(f_len, buf:len())
  t:add(f_udp, udp_port() ~= nil)
end

register_postdissector(p)
