-- FKD: a postdissector that reads every frame's first bytes as one field of
-- each ProtoField kind, base, value string, true/false strings and bitmask,
-- so that the tree lines (-V) and the field list (-G fields) of strato and
-- tshark 4.0 can be compared kind by kind. Valid on Lua 5.2 and 5.4.

local fkd = Proto("fkd", "Field Kinds")

local vs = { [0] = "Zero", [1] = "One", [2] = "Two", [6] = "Six", [8] = "Eight", [0x45] = "IPv4 header" }
local svs = { [-1] = "Minus one", [0] = "Zero", [5] = "Five" }
local ranges = { { 0, 9, "Small" }, { 10, 99, "Medium" }, { 100, 255, "Large" } }

local f = {
  u8        = ProtoField.uint8("fkd.u8", "U8"),
  u8hex     = ProtoField.uint8("fkd.u8hex", "U8 hex", base.HEX),
  u16oct    = ProtoField.uint16("fkd.u16oct", "U16 oct", base.OCT),
  u16dechex = ProtoField.uint16("fkd.u16dechex", "U16 dec-hex", base.DEC_HEX),
  u24hexdec = ProtoField.uint24("fkd.u24hexdec", "U24 hex-dec", base.HEX_DEC),
  u32hex    = ProtoField.uint32("fkd.u32hex", "U32 hex", base.HEX, nil, nil, "a described field"),
  u64       = ProtoField.uint64("fkd.u64", "U64", base.DEC),
  u64hex    = ProtoField.uint64("fkd.u64hex", "U64 hex", base.HEX),
  u8vs      = ProtoField.uint8("fkd.u8vs", "U8 named", base.DEC, vs),
  u8vshex   = ProtoField.uint8("fkd.u8vshex", "U8 named hex", base.HEX, vs),
  u16vsdh   = ProtoField.uint16("fkd.u16vsdh", "U16 named dec-hex", base.DEC_HEX, vs),
  u16vshd   = ProtoField.uint16("fkd.u16vshd", "U16 named hex-dec", base.HEX_DEC, vs),
  u8range   = ProtoField.uint8("fkd.u8range", "U8 ranged", base.RANGE_STRING, ranges),
  m_hi      = ProtoField.uint16("fkd.m.hi", "Mask high nibble", base.DEC, nil, 0xf000),
  m_mid     = ProtoField.uint16("fkd.m.mid", "Mask middle", base.HEX, nil, 0x0ff0),
  m_vs      = ProtoField.uint8("fkd.m.vs", "Mask named", base.DEC, vs, 0x0f),
  m_32      = ProtoField.uint32("fkd.m.32", "Mask 32", base.HEX, nil, 0x00fff000),
  m_dh      = ProtoField.uint16("fkd.m.dh", "Mask dec-hex", base.DEC_HEX, nil, 0x03fe),
  i8        = ProtoField.int8("fkd.i8", "I8"),
  i16       = ProtoField.int16("fkd.i16", "I16", base.DEC),
  i24       = ProtoField.int24("fkd.i24", "I24"),
  i32       = ProtoField.int32("fkd.i32", "I32", base.DEC, nil, nil, ""),
  i64       = ProtoField.int64("fkd.i64", "I64"),
  i8vs      = ProtoField.int8("fkd.i8vs", "I8 named", base.DEC, svs),
  i16m      = ProtoField.int16("fkd.i16m", "I16 masked", base.DEC, nil, 0x0ff0),
  b         = ProtoField.bool("fkd.b", "Bool"),
  b8        = ProtoField.bool("fkd.b8", "Bool bit 0", 8, nil, 0x01),
  b8tfs     = ProtoField.bool("fkd.b8tfs", "Bool bit 7", 8, { "High", "Low" }, 0x80),
  b16       = ProtoField.bool("fkd.b16", "Bool bit 14", 16, nil, 0x4000),
  b32       = ProtoField.bool("fkd.b32", "Bool bit 20", 32, { "On", "Off" }, 0x00100000),
  s         = ProtoField.string("fkd.s", "String"),
  sz        = ProtoField.stringz("fkd.sz", "StringZ"),
  by        = ProtoField.bytes("fkd.by", "Bytes"),
  bylong    = ProtoField.bytes("fkd.bylong", "Long bytes"),
  ip4       = ProtoField.ipv4("fkd.ip4", "IPv4"),
  ip6       = ProtoField.ipv6("fkd.ip6", "IPv6"),
  eth       = ProtoField.ether("fkd.eth", "Ether"),
  at        = ProtoField.absolute_time("fkd.at", "Abs time"),
  atutc     = ProtoField.absolute_time("fkd.atutc", "Abs time UTC", base.UTC),
  ch        = ProtoField.char("fkd.ch", "Char"),
  chhex     = ProtoField.char("fkd.chhex", "Char hex", base.HEX),
  rt        = ProtoField.relative_time("fkd.rt", "Rel time"),
  fl        = ProtoField.float("fkd.fl", "Float"),
  db        = ProtoField.double("fkd.db", "Double"),
  fn        = ProtoField.framenum("fkd.fn", "Frame", base.NONE),
  none      = ProtoField.none("fkd.none", "Marker"),
  n_u16     = ProtoField.new("New U16", "fkd.new.u16", ftypes.UINT16, vs, base.HEX),
  n_bool    = ProtoField.new("New bool", "fkd.new.bool", ftypes.BOOLEAN, { "Yes", "No" }, 16, 0x0100),
  n_str     = ProtoField.new("New string", "fkd.new.str", ftypes.STRING, nil, nil, nil, "made by ProtoField.new"),
}
fkd.fields = f

function fkd.dissector(buf, pinfo, tree)
  if buf:len() < 54 then return end
  local t = tree:add(fkd, buf(0, 54))
  t:add(f.u8, buf(14, 1))
  t:add(f.u8hex, buf(15, 1))
  t:add(f.u16oct, buf(16, 2))
  t:add(f.u16dechex, buf(18, 2))
  t:add(f.u24hexdec, buf(20, 3))
  t:add(f.u32hex, buf(24, 4))
  t:add(f.u64, buf(26, 8))
  t:add(f.u64hex, buf(34, 8))
  t:add(f.u8vs, buf(23, 1))
  t:add(f.u8vshex, buf(14, 1))
  t:add(f.u16vsdh, buf(12, 2))
  t:add(f.u16vshd, buf(22, 2))
  t:add(f.u8range, buf(22, 1))
  local m = t:add(f.m_hi, buf(16, 2))
  m:add(f.m_mid, buf(16, 2))
  m:add(f.m_dh, buf(18, 2))
  t:add(f.m_vs, buf(23, 1))
  t:add(f.m_32, buf(26, 4))
  t:add(f.i8, buf(22, 1))
  t:add(f.i16, buf(24, 2))
  t:add(f.i24, buf(36, 3))
  t:add(f.i32, buf(38, 4))
  t:add(f.i64, buf(42, 8))
  t:add(f.i8vs, buf(50, 1))
  t:add(f.i16m, buf(36, 2))
  t:add(f.b, buf(20, 1))
  t:add(f.b8, buf(47, 1))
  t:add(f.b8tfs, buf(48, 1))
  t:add(f.b16, buf(46, 2))
  t:add(f.b32, buf(44, 4))
  t:add(f.s, buf(6, 6))
  t:add(f.sz, buf(30, 4))
  t:add(f.by, buf(0, 6))
  t:add(f.bylong, buf(0, 54))
  t:add(f.ip4, buf(26, 4))
  t:add(f.ip6, buf(22, 16))
  t:add(f.eth, buf(6, 6))
  t:add(f.at, buf(12, 8))
  t:add(f.atutc, buf(12, 8))
  t:add(f.rt, buf(12, 8))
  t:add(f.ch, buf(23, 1))
  for o = 54, math.min(buf:len(), 90) - 1 do
    t:add(f.ch, buf(o, 1))
  end
  t:add(f.chhex, buf(23, 1))
  t:add(f.fl, buf(38, 4))
  t:add(f.db, buf(38, 8))
  t:add(f.fn, buf(26, 4), pinfo.number)
  t:add(f.none, buf(0, 1))
  t:add(f.n_u16, buf(12, 2))
  t:add(f.n_bool, buf(20, 2))
  t:add(f.n_str, buf(0, 3))
  local g = t:add(f.b, buf(0, 1), pinfo.number % 2 == 0)
  g:set_generated()
end

register_postdissector(fkd)
