-- A Lua dissector (a small header of the DNS messages on mixed-small's
-- dnsmasq port 32958) and, in the same file, a tap that reads the fields it
-- adds through Field.new. (tshark compiles a Listener's filter as the
-- script loads, before its ProtoFields exist: the filters use built-in fields.)
local p = Proto("taphdr", "Tap test header")
local f_id = ProtoField.uint16("taphdr.id", "ID", base.HEX)
local f_resp = ProtoField.bool("taphdr.response", "Response", 16, nil, 0x8000)
local f_rcode = ProtoField.uint16("taphdr.rcode", "Reply code", base.DEC, nil, 0x000f)
local f_qd = ProtoField.uint16("taphdr.qdcount", "Questions")
local f_label = ProtoField.string("taphdr.label", "First label")
p.fields = { f_id, f_resp, f_rcode, f_qd, f_label }

function p.dissector(buf, pinfo, tree)
  if buf:len() < 13 then return 0 end
  local t = tree:add(p, buf(0, 12))
  t:add(f_id, buf(0, 2))
  t:add(f_resp, buf(2, 2))
  t:add(f_rcode, buf(2, 2))
  t:add(f_qd, buf(4, 2))
  local n = buf(12, 1):uint()
  t:add(f_label, buf(13, n))
  pinfo.cols.protocol = "TAPHDR"
  return buf:len()
end
DissectorTable.get("udp.port"):add(32958, p)

local id = Field.new("taphdr.id")
local resp = Field.new("taphdr.response")
local rcode = Field.new("taphdr.rcode")
local label = Field.new("taphdr.label")
local sport = Field.new("udp.srcport")

local rows = {}
local answers = Listener.new(nil, "udp.srcport == 32958")
function answers.packet(pinfo, tvb)
  local i, r, l = id(), rcode(), label()
  if not resp().value then error("a response without the response flag") end
  rows[#rows + 1] = table.concat({ pinfo.number, tostring(i), i.value, tostring(resp().value), r.value,
    tostring(r), tostring(l), l.value, l.len, l.offset, tostring(sport()), tostring(pinfo.src),
    tostring(pinfo.dst_port), tvb(12, 1):uint() }, "|")
end
local refused = 0
local bad = Listener.new("udp")
function bad.packet()
  local r = rcode()
  if r and r.value == 5 then refused = refused + 1 end
end
function answers.draw()
  for _, r in ipairs(rows) do print(r) end
end
function bad.draw() print("refused", refused) end
