-- LPM: length-prefixed messages over TCP port 47002, framed with
-- dissect_tcp_pdus (test dissector for the Lua oracle tests; its twin
-- lpx_desegment.lua frames the same format by hand with
-- pinfo.desegment_len/desegment_offset).
--
-- Message: length u32 (bytes after the length field, >= 3) | type u8 | id u16 | payload
--   1 TEXT:    payload is text
--   2 NUMBERS: count u8, then count u32 values
--   3 BLOB:    payload is opaque bytes
--   4 ACK:     acked id u16, status u8

local lpm = Proto("lpm", "Length-Prefixed Messages")

local types = { [1] = "TEXT", [2] = "NUMBERS", [3] = "BLOB", [4] = "ACK" }
local statuses = { [0] = "OK", [1] = "Retry", [2] = "Rejected" }

local f = {
  length = ProtoField.uint32("lpm.length", "Length", base.DEC),
  type   = ProtoField.uint8("lpm.type", "Type", base.DEC, types),
  id     = ProtoField.uint16("lpm.id", "Message id", base.HEX),
  text   = ProtoField.string("lpm.text", "Text"),
  count  = ProtoField.uint8("lpm.count", "Count"),
  number = ProtoField.uint32("lpm.number", "Number", base.DEC),
  blob   = ProtoField.bytes("lpm.blob", "Blob"),
  acked  = ProtoField.uint16("lpm.acked", "Acked id", base.HEX),
  status = ProtoField.uint8("lpm.status", "Status", base.DEC, statuses),
}
lpm.fields = f

local e_bad_count = ProtoExpert.new("lpm.bad_count", "Count does not match the length",
  expert.group.MALFORMED, expert.severity.WARN)
lpm.experts = { e_bad_count }

local HEADER = 7

local function pdu_len(buf, pinfo, offset)
  return buf(offset, 4):uint() + 4
end

local function dissect_one(buf, pinfo, tree)
  local len = buf:len()
  local t = buf(4, 1):uint()
  local id = buf(5, 2):uint()
  local sub = tree:add(lpm, buf(), "LPM " .. (types[t] or "?"))
  sub:add(f.length, buf(0, 4))
  sub:add(f.type, buf(4, 1))
  sub:add(f.id, buf(5, 2))
  local summary = (types[t] or "Unknown") .. " id=" .. id
  if t == 1 then
    if len > HEADER then
      sub:add(f.text, buf(HEADER))
      summary = summary .. " \"" .. buf(HEADER):string() .. "\""
    end
  elseif t == 2 then
    local n = buf(HEADER, 1):uint()
    local citem = sub:add(f.count, buf(HEADER, 1))
    local have = math.floor((len - HEADER - 1) / 4)
    if have ~= n then
      citem:add_proto_expert_info(e_bad_count)
      if have < n then n = have end
    end
    local total = 0
    for i = 0, n - 1 do
      local r = buf(HEADER + 1 + 4 * i, 4)
      sub:add(f.number, r)
      total = total + r:uint()
    end
    summary = summary .. " n=" .. n .. " sum=" .. total
  elseif t == 3 then
    if len > HEADER then
      sub:add(f.blob, buf(HEADER))
      summary = summary .. " " .. (len - HEADER) .. " bytes"
    end
  elseif t == 4 then
    sub:add(f.acked, buf(HEADER, 2))
    sub:add(f.status, buf(HEADER + 2, 1))
    summary = summary .. " acked=" .. buf(HEADER, 2):uint()
  end
  pinfo.cols.protocol = "LPM"
  pinfo.cols.info = summary
  return len
end

function lpm.dissector(buf, pinfo, tree)
  dissect_tcp_pdus(buf, tree, HEADER, pdu_len, dissect_one)
  return buf:len()
end

DissectorTable.get("tcp.port"):add(47002, lpm)
