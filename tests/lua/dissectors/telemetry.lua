-- TLM: a small binary telemetry protocol over UDP port 47001 (test
-- dissector for the Lua oracle tests: the same file runs in tshark 4.0 and in
-- strato). Written for Wireshark's Lua 5.2 and valid on Lua 5.4.
--
-- Header (16 bytes, big endian):
--   version u8 | type u8 | flags u16 | seq u32 | time: secs u32, nsecs u32
-- Body by type:
--   1 Hello:  name_len u8, name, mac (6), ipv4 (4), ipv6 (16)
--   2 Report: sensor u16, temperature float, pressure double,
--             counter u64 (little endian), delta i32, level i8, offset i16,
--             volume u24, balance i24, big i64, uptime (secs u32, nsecs u32),
--             label (NUL-terminated), then raw bytes to the end
--   3 Alarm:  code u16, ref_seq u32 (a frame number), text (NUL-terminated)
--   4 Bye:    reason (rest of the packet)

local tlm = Proto("tlm", "Telemetry Protocol")

local msg_types = { [1] = "Hello", [2] = "Report", [3] = "Alarm", [4] = "Bye" }
local priorities = { [0] = "Lowest", [1] = "Low", [2] = "Normal", [3] = "High", [7] = "Critical" }
local alarm_codes = { [100] = "Overheat", [101] = "Underpressure", [200] = "Sensor lost" }

local f = {
  version     = ProtoField.uint8("tlm.version", "Version", base.DEC),
  type        = ProtoField.uint8("tlm.type", "Message type", base.DEC, msg_types),
  flags       = ProtoField.uint16("tlm.flags", "Flags", base.HEX),
  flag_ack    = ProtoField.bool("tlm.flags.ack", "Acknowledge", 16, { "Requested", "Not requested" }, 0x8000),
  flag_urgent = ProtoField.bool("tlm.flags.urgent", "Urgent", 16, nil, 0x4000),
  flag_comp   = ProtoField.bool("tlm.flags.compressed", "Compressed", 16, nil, 0x2000),
  flag_prio   = ProtoField.uint16("tlm.flags.priority", "Priority", base.DEC, priorities, 0x0700),
  flag_rsvd   = ProtoField.uint16("tlm.flags.reserved", "Reserved", base.HEX, nil, 0x00ff),
  seq         = ProtoField.uint32("tlm.seq", "Sequence number", base.DEC),
  time        = ProtoField.absolute_time("tlm.time", "Timestamp", base.UTC),
  name_len    = ProtoField.uint8("tlm.name_len", "Name length", base.DEC),
  name        = ProtoField.string("tlm.name", "Node name"),
  mac         = ProtoField.ether("tlm.mac", "Node MAC"),
  addr        = ProtoField.ipv4("tlm.addr", "Node IPv4 address"),
  addr6       = ProtoField.ipv6("tlm.addr6", "Node IPv6 address"),
  sensor      = ProtoField.uint16("tlm.sensor", "Sensor", base.DEC_HEX),
  temperature = ProtoField.float("tlm.temperature", "Temperature"),
  pressure    = ProtoField.double("tlm.pressure", "Pressure"),
  counter     = ProtoField.uint64("tlm.counter", "Counter", base.DEC),
  delta       = ProtoField.int32("tlm.delta", "Delta", base.DEC),
  level       = ProtoField.int8("tlm.level", "Level"),
  offset      = ProtoField.int16("tlm.offset", "Offset"),
  volume      = ProtoField.uint24("tlm.volume", "Volume", base.HEX_DEC),
  balance     = ProtoField.int24("tlm.balance", "Balance"),
  big         = ProtoField.int64("tlm.big", "Big signed"),
  uptime      = ProtoField.relative_time("tlm.uptime", "Uptime"),
  label       = ProtoField.stringz("tlm.label", "Label"),
  raw         = ProtoField.bytes("tlm.raw", "Raw data"),
  code        = ProtoField.uint16("tlm.alarm.code", "Alarm code", base.DEC, alarm_codes),
  ref         = ProtoField.framenum("tlm.alarm.ref_seq", "Refers to sequence", base.NONE),
  text        = ProtoField.stringz("tlm.alarm.text", "Alarm text"),
  reason      = ProtoField.string("tlm.bye.reason", "Reason"),
  body_len    = ProtoField.uint32("tlm.body_len", "Body length", base.DEC),
  hot         = ProtoField.bool("tlm.hot", "Hot"),
}
tlm.fields = f

local e_bad_version = ProtoExpert.new("tlm.bad_version", "Unsupported version", expert.group.PROTOCOL, expert.severity.NOTE)
local e_unknown_type = ProtoExpert.new("tlm.unknown_type", "Unknown message type", expert.group.MALFORMED, expert.severity.ERROR)
local e_alarm = ProtoExpert.new("tlm.alarm", "Alarm raised", expert.group.RESPONSE_CODE, expert.severity.WARN)
local e_short = ProtoExpert.new("tlm.short", "Message too short", expert.group.MALFORMED, expert.severity.ERROR)
tlm.experts = { e_bad_version, e_unknown_type, e_alarm, e_short }

tlm.prefs.port = Pref.uint("UDP port", 47001, "UDP port of the telemetry protocol")

local HEADER = 16
local data_dissector = Dissector.get("data")

local function dissect_hello(buf, pinfo, tree)
  local n = buf(16, 1):uint()
  tree:add(f.name_len, buf(16, 1))
  local name = buf(17, n):string()
  tree:add(f.name, buf(17, n))
  local o = 17 + n
  tree:add(f.mac, buf(o, 6))
  tree:add(f.addr, buf(o + 6, 4))
  tree:add(f.addr6, buf(o + 10, 16))
  pinfo.cols.info:append(" name=" .. name .. " addr=" .. tostring(buf(o + 6, 4):ipv4()))
end

local function dissect_report(buf, pinfo, tree)
  tree:add(f.sensor, buf(16, 2))
  local temp = buf(18, 4):float()
  tree:add(f.temperature, buf(18, 4))
  if temp > 80 then
    tree:add(f.hot, buf(18, 4), true):set_generated()
  end
  tree:add(f.pressure, buf(22, 8))
  tree:add_le(f.counter, buf(30, 8))
  tree:add(f.delta, buf(38, 4))
  tree:add(f.level, buf(42, 1))
  tree:add(f.offset, buf(43, 2))
  tree:add(f.volume, buf(45, 3))
  tree:add(f.balance, buf(48, 3))
  tree:add(f.big, buf(51, 8))
  tree:add(f.uptime, buf(59, 8))
  local label = buf(67):stringz()
  local llen = string.len(label) + 1
  tree:add(f.label, buf(67, llen))
  local o = 67 + llen
  local raw = ""
  if o < buf:len() then
    tree:add(f.raw, buf(o))
    raw = " raw=" .. buf(o):bytes():tohex()
  end
  pinfo.cols.info:append(string.format(" sensor=%d temp=%.1f counter=%s",
    buf(16, 2):uint(), temp, tostring(buf(30, 8):le_uint64())) .. raw)
end

local function dissect_alarm(buf, pinfo, tree)
  local code = buf(16, 2):uint()
  tree:add(f.code, buf(16, 2))
  -- tshark 4.0 cannot fetch a FRAMENUM from bytes: the value is given.
  tree:add(f.ref, buf(18, 4), buf(18, 4):uint())
  tree:add(f.text, buf(22))
  tree:add_proto_expert_info(e_alarm, "Alarm " .. (alarm_codes[code] or tostring(code)))
  pinfo.cols.info:append(" code=" .. code)
end

local function dissect_bye(buf, pinfo, tree)
  if buf:len() > HEADER then
    tree:add(f.reason, buf(16))
    pinfo.cols.info:append(" reason=" .. buf(16):string())
  end
end

local bodies = { [1] = dissect_hello, [2] = dissect_report, [3] = dissect_alarm, [4] = dissect_bye }
local minimum = { [1] = 17, [2] = 68, [3] = 23, [4] = 16 }

function tlm.dissector(buf, pinfo, tree)
  pinfo.cols.protocol = "TLM"
  local subtree = tree:add(tlm, buf(), "Telemetry Protocol")
  if buf:len() < HEADER then
    subtree:add_proto_expert_info(e_short)
    pinfo.cols.info = "TLM (short)"
    return buf:len()
  end
  local version = buf(0, 1):uint()
  local vitem = subtree:add(f.version, buf(0, 1))
  if version ~= 1 then
    vitem:add_proto_expert_info(e_bad_version, "Version " .. version .. " is not 1")
  end
  local t = buf(1, 1):uint()
  subtree:add(f.type, buf(1, 1))
  local ftree = subtree:add(f.flags, buf(2, 2))
  ftree:add(f.flag_ack, buf(2, 2))
  ftree:add(f.flag_urgent, buf(2, 2))
  ftree:add(f.flag_comp, buf(2, 2))
  ftree:add(f.flag_prio, buf(2, 2))
  ftree:add(f.flag_rsvd, buf(2, 2))
  local seq = buf(4, 4):uint()
  subtree:add(f.seq, buf(4, 4))
  subtree:add(f.time, buf(8, 8))
  subtree:append_text(", Seq: " .. seq)

  pinfo.cols.info:set((msg_types[t] or "Unknown") .. " seq=" .. seq)
  if bit.band(buf(2, 2):uint(), 0x4000) ~= 0 then
    pinfo.cols.info:append(" [URGENT]")
  end
  local prio = buf(2, 1):bitfield(5, 3)
  if prio >= 3 then
    pinfo.cols.info:append(" prio=" .. (priorities[prio] or prio))
  end
  subtree:add(f.body_len, buf:len() - HEADER):set_generated()

  local body = bodies[t]
  if body == nil then
    subtree:add_proto_expert_info(e_unknown_type, "Type " .. t .. " unknown")
    if buf:len() > HEADER then
      data_dissector:call(buf(HEADER):tvb(), pinfo, tree)
    end
    return buf:len()
  end
  if buf:len() < minimum[t] then
    subtree:add_proto_expert_info(e_short)
    pinfo.cols.info:append(" (short)")
    return buf:len()
  end
  body(buf, pinfo, subtree)
  return buf:len()
end

DissectorTable.get("udp.port"):add(tlm.prefs.port, tlm)
