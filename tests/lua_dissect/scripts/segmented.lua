-- Three framings of one message format over TCP, for the desegmentation
-- tests (tcp_reassembly_test.cpp):
--   segp, port 47501: dissect_tcp_pdus
--   segx, port 47502: by hand, DESEGMENT_ONE_MORE_SEGMENT while the header is
--                     cut, the exact desegment_len once the length is known
--   sego, port 47503: by hand, always DESEGMENT_ONE_MORE_SEGMENT
--
-- Message: length u16 (bytes after the length field, >= 1) | type u8 | payload

local HEADER = 3
local types = { [1] = "TEXT", [2] = "DATA", [3] = "BULK", [4] = "ACK" }

local function make(name, desc)
  local p = Proto(name, desc)
  local f = {
    length  = ProtoField.uint16(name .. ".length", "Length"),
    type    = ProtoField.uint8(name .. ".type", "Type", base.DEC, types),
    payload = ProtoField.bytes(name .. ".payload", "Payload"),
  }
  p.fields = f
  -- One whole message at `offset` of `buf`, `total` bytes.
  local function add_message(buf, pinfo, tree, offset, total)
    local t = buf(offset + 2, 1):uint()
    local sub = tree:add(p, buf(offset, total), string.upper(name) .. " " .. (types[t] or "?"))
    sub:add(f.length, buf(offset, 2))
    sub:add(f.type, buf(offset + 2, 1))
    if total > HEADER then sub:add(f.payload, buf(offset + HEADER, total - HEADER)) end
    pinfo.cols.protocol = string.upper(name)
    pinfo.cols.info = (types[t] or "?") .. " " .. total
  end
  return p, add_message
end

local segp, segp_message = make("segp", "Segmented messages (dissect_tcp_pdus)")
local segx, segx_message = make("segx", "Segmented messages (exact desegment_len)")
local sego, sego_message = make("sego", "Segmented messages (one more segment)")

function segp.dissector(buf, pinfo, tree)
  dissect_tcp_pdus(buf, tree, HEADER,
    function(b, _, offset) return b(offset, 2):uint() + 2 end,
    function(b, p, t)
      segp_message(b, p, t, 0, b:len())
      return b:len()
    end)
  return buf:len()
end

-- Walks the messages of `buf`; `exact` says whether a cut message asks for
-- its missing bytes or just for one more segment.
local function by_hand(buf, pinfo, tree, add_message, exact)
  local offset, size = 0, buf:len()
  while offset < size do
    local left = size - offset
    if left < HEADER then
      pinfo.desegment_offset = offset
      pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
      return size
    end
    local total = buf(offset, 2):uint() + 2
    if left < total then
      pinfo.desegment_offset = offset
      pinfo.desegment_len = exact and (total - left) or DESEGMENT_ONE_MORE_SEGMENT
      return size
    end
    add_message(buf, pinfo, tree, offset, total)
    offset = offset + total
  end
  return size
end

function segx.dissector(buf, pinfo, tree) return by_hand(buf, pinfo, tree, segx_message, true) end
function sego.dissector(buf, pinfo, tree) return by_hand(buf, pinfo, tree, sego_message, false) end

local ports = DissectorTable.get("tcp.port")
ports:add(47501, segp)
ports:add(47502, segx)
ports:add(47503, sego)
