-- LPX: the message format of lpm_tcp_pdus.lua on TCP port 47003, framed by
-- hand: the dissector walks the segment and asks TCP for more bytes with
-- pinfo.desegment_offset / pinfo.desegment_len when a message is cut.
--
-- Message: length u32 (bytes after the length field, >= 3) | type u8 | id u16 | payload
--   1 TEXT, 2 NUMBERS (count u8, count u32), 3 BLOB, 4 ACK (acked id u16, status u8)

local lpx = Proto("lpx", "Length-Prefixed Messages (manual framing)")

local types = { [1] = "TEXT", [2] = "NUMBERS", [3] = "BLOB", [4] = "ACK" }
local statuses = { [0] = "OK", [1] = "Retry", [2] = "Rejected" }

local f = {
  length = ProtoField.uint32("lpx.length", "Length", base.DEC),
  type   = ProtoField.uint8("lpx.type", "Type", base.DEC, types),
  id     = ProtoField.uint16("lpx.id", "Message id", base.HEX),
  text   = ProtoField.string("lpx.text", "Text"),
  count  = ProtoField.uint8("lpx.count", "Count"),
  number = ProtoField.uint32("lpx.number", "Number", base.DEC),
  blob   = ProtoField.bytes("lpx.blob", "Blob"),
  acked  = ProtoField.uint16("lpx.acked", "Acked id", base.HEX),
  status = ProtoField.uint8("lpx.status", "Status", base.DEC, statuses),
  msgs   = ProtoField.uint16("lpx.messages", "Messages in this segment"),
}
lpx.fields = f

local HEADER = 7

-- Adds one whole message at `offset` (its bytes are all there); returns its summary.
local function add_message(buf, offset, total, tree)
  local t = buf(offset + 4, 1):uint()
  local id = buf(offset + 5, 2):uint()
  local sub = tree:add(lpx, buf(offset, total))
  sub:add(f.length, buf(offset, 4))
  sub:add(f.type, buf(offset + 4, 1))
  sub:add(f.id, buf(offset + 5, 2))
  local p = offset + HEADER
  local plen = total - HEADER
  local summary = (types[t] or "Unknown") .. "#" .. id
  if t == 1 and plen > 0 then
    sub:add(f.text, buf(p, plen))
  elseif t == 2 then
    local n = buf(p, 1):uint()
    sub:add(f.count, buf(p, 1))
    if 1 + 4 * n > plen then n = math.floor((plen - 1) / 4) end
    for i = 0, n - 1 do
      sub:add(f.number, buf(p + 1 + 4 * i, 4))
    end
  elseif t == 3 and plen > 0 then
    sub:add(f.blob, buf(p, plen))
  elseif t == 4 then
    sub:add(f.acked, buf(p, 2))
    sub:add(f.status, buf(p + 2, 1))
  end
  sub:append_text(": " .. summary)
  return summary
end

function lpx.dissector(buf, pinfo, tree)
  local offset = 0
  local size = buf:len()
  local summaries = {}
  while offset < size do
    local left = size - offset
    if left < 4 then
      pinfo.desegment_offset = offset
      pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
      break
    end
    local total = buf(offset, 4):uint() + 4
    if left < total then
      pinfo.desegment_offset = offset
      pinfo.desegment_len = total - left
      break
    end
    summaries[#summaries + 1] = add_message(buf, offset, total, tree)
    offset = offset + total
  end
  if #summaries > 0 then
    pinfo.cols.protocol = "LPX"
    pinfo.cols.info = table.concat(summaries, ", ")
    tree:add(f.msgs, #summaries):set_generated()
  end
  return size
end

DissectorTable.get("tcp.port"):add(47003, lpx)
