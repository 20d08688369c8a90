-- A small DNS header dissector on the UDP port of mixed-small.pcapng's
-- dnsmasq (32958), for the Lua dissector tests: the same file runs in
-- tshark 4.0 (Lua 5.2) and strato (Lua 5.4).
local p = Proto("mydns", "My DNS header")

local opcodes = { [0] = "Query", [1] = "IQuery", [2] = "Status" }
local rcodes = { [0] = "No error", [3] = "No such name", [5] = "Refused" }

local f = {
  id      = ProtoField.uint16("mydns.id", "Transaction ID", base.HEX),
  flags   = ProtoField.uint16("mydns.flags", "Flags", base.HEX),
  qr      = ProtoField.bool("mydns.flags.response", "Response", 16, nil, 0x8000),
  opcode  = ProtoField.uint16("mydns.flags.opcode", "Opcode", base.DEC, opcodes, 0x7800),
  rd      = ProtoField.bool("mydns.flags.rd", "Recursion desired", 16, nil, 0x0100),
  rcode   = ProtoField.uint16("mydns.flags.rcode", "Reply code", base.DEC, rcodes, 0x000f),
  qdcount = ProtoField.uint16("mydns.qdcount", "Questions"),
  ancount = ProtoField.uint16("mydns.ancount", "Answer RRs"),
  qname   = ProtoField.string("mydns.qname", "Query name"),
  qtype   = ProtoField.uint16("mydns.qtype", "Type", base.DEC),
  tag     = ProtoField.string("mydns.tag", "Tag"),
  srcport = ProtoField.uint16("mydns.srcport", "Source port (pinfo)"),
  number  = ProtoField.uint32("mydns.frame", "Frame (pinfo)"),
}
p.fields = f

p.prefs.tag = Pref.string("Tag", "none", "text added to every packet")
p.prefs.verbose = Pref.bool("Verbose", false, "add the pinfo fields")

local function read_name(buf, off)
  local labels = {}
  while off < buf:len() do
    local n = buf(off, 1):uint()
    if n == 0 then return table.concat(labels, "."), off + 1 end
    if n >= 0xc0 then return table.concat(labels, "."), off + 2 end
    labels[#labels + 1] = buf(off + 1, n):string()
    off = off + 1 + n
  end
  return table.concat(labels, "."), off
end

function p.dissector(buf, pinfo, tree)
  if buf:len() < 12 then return 0 end
  pinfo.cols.protocol = "MYDNS"
  local t = tree:add(p, buf(0, 12))
  t:add(f.id, buf(0, 2))
  local fl = t:add(f.flags, buf(2, 2))
  fl:add(f.qr, buf(2, 2))
  fl:add(f.opcode, buf(2, 2))
  fl:add(f.rd, buf(2, 2))
  fl:add(f.rcode, buf(2, 2))
  t:add(f.qdcount, buf(4, 2))
  t:add(f.ancount, buf(6, 2))
  local name, after = read_name(buf, 12)
  t:add(f.qname, buf(12, after - 12), name)
  t:add(f.qtype, buf(after, 2))
  t:add(f.tag, p.prefs.tag)
  if p.prefs.verbose then
    t:add(f.srcport, pinfo.src_port)
    t:add(f.number, pinfo.number)
  end
  local resp = bit.band(buf(2, 2):uint(), 0x8000) ~= 0
  pinfo.cols.info = (resp and "Response " or "Query ") .. string.format("0x%04x ", buf(0, 2):uint()) .. name
  return buf:len()
end

DissectorTable.get("udp.port"):add(32958, p)
