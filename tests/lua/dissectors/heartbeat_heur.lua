-- HBT: node heartbeats over UDP on any port, recognised by the magic "HBT1"
-- (a heuristic dissector: registered on "udp", no port). Test dissector
-- for the Lua oracle tests.
--
-- Heartbeat: magic "HBT1" | node u32 | uptime u32 (s) | status u8 |
--            load u16 (hundredths) | name_len u8 | name | then optional
--            TLVs: tag u8, len u8, value (tag 1: peer IPv4, tag 2: note text)

local hbt = Proto("hbt", "Heartbeat Protocol")

local statuses = { [0] = "Starting", [1] = "Healthy", [2] = "Degraded", [3] = "Stopping" }
local tags = { [1] = "Peer", [2] = "Note" }

local f = {
  magic    = ProtoField.string("hbt.magic", "Magic"),
  node     = ProtoField.uint32("hbt.node", "Node", base.HEX),
  uptime   = ProtoField.uint32("hbt.uptime", "Uptime (s)", base.DEC),
  status   = ProtoField.uint8("hbt.status", "Status", base.DEC, statuses),
  load     = ProtoField.uint16("hbt.load", "Load (1/100)", base.DEC),
  name_len = ProtoField.uint8("hbt.name_len", "Name length"),
  name     = ProtoField.string("hbt.name", "Name"),
  tag      = ProtoField.uint8("hbt.tlv.tag", "Tag", base.DEC, tags),
  tlv_len  = ProtoField.uint8("hbt.tlv.len", "Length"),
  peer     = ProtoField.ipv4("hbt.tlv.peer", "Peer"),
  note     = ProtoField.string("hbt.tlv.note", "Note"),
  tlv_raw  = ProtoField.bytes("hbt.tlv.value", "Value"),
}
hbt.fields = f

local e_degraded = ProtoExpert.new("hbt.degraded", "Node degraded", expert.group.SEQUENCE, expert.severity.WARN)
hbt.experts = { e_degraded }

local FIXED = 16
local udp_srcport = Field.new("udp.srcport")

local function dissect(buf, pinfo, tree)
  local sub = tree:add(hbt, buf())
  sub:add(f.magic, buf(0, 4))
  local node = buf(4, 4):uint()
  sub:add(f.node, buf(4, 4))
  sub:add(f.uptime, buf(8, 4))
  local status = buf(12, 1):uint()
  local sitem = sub:add(f.status, buf(12, 1))
  if status == 2 then
    sitem:add_proto_expert_info(e_degraded)
  end
  sub:add(f.load, buf(13, 2))
  local n = buf(15, 1):uint()
  sub:add(f.name_len, buf(15, 1))
  local name = ""
  if n > 0 then
    name = buf(16, n):string()
    sub:add(f.name, buf(16, n))
  end
  local o = FIXED + n
  while o + 2 <= buf:len() do
    local tag = buf(o, 1):uint()
    local len = buf(o + 1, 1):uint()
    if o + 2 + len > buf:len() then break end
    local t = sub:add(f.tag, buf(o, 1))
    t:add(f.tlv_len, buf(o + 1, 1))
    if tag == 1 and len == 4 then
      t:add(f.peer, buf(o + 2, 4))
    elseif tag == 2 and len > 0 then
      t:add(f.note, buf(o + 2, len))
    elseif len > 0 then
      t:add(f.tlv_raw, buf(o + 2, len))
    end
    o = o + 2 + len
  end
  pinfo.cols.protocol = "HBT"
  pinfo.cols.info = string.format("Heartbeat from %s (0x%08x) %s, load %.2f via %s:%d",
    name, node, statuses[status] or "?", buf(13, 2):uint() / 100, tostring(pinfo.src), udp_srcport()())
end

local function heuristic(buf, pinfo, tree)
  if buf:len() < FIXED then return false end
  if buf(0, 4):string() ~= "HBT1" then return false end
  if FIXED + buf(15, 1):uint() > buf:len() then return false end
  dissect(buf, pinfo, tree)
  return true
end

hbt:register_heuristic("udp", heuristic)
