-- Prints Wireshark's globals' values and results; run by tshark 4.0 and by
-- strato, the outputs must be equal. Numbers go through %.14g so Lua 5.2's
-- and 5.4's number printing agree; strings through Struct.tohex.
local up = table.unpack or unpack
local function fmt(v)
  if type(v) == "number" then return "number:" .. string.format("%.14g", v) end
  if type(v) == "string" then return "string:" .. Struct.tohex(v) end
  if type(v) == "userdata" then return typeof(v) .. ":" .. tostring(v) end
  return type(v) .. ":" .. tostring(v)
end
local function show(...) local n = select("#", ...); local t = {...}; local o = {}
  for i = 1, n do o[#o+1] = fmt(t[i]) end
  return table.concat(o, " ") end
local function try(f, ...) local r = {pcall(f, ...)}; if not r[1] then return "ERR " .. tostring(r[2]) end; return show(up(r, 2, #r)) end
local fmts = {"b","B","h","H","l","L","T","i","I","i1","I3","i7","I8","i16","e","E","f","d","s","z","c0","c3","x","X","Xi","Xi4","!4","!","=","<",">"," ","()","(h)","bxh","!4bi","!4b Xi4 h","<i2 >i2","c","r","q","i17","i0","I9", "!3 b h", "xXd"}
for _, f in ipairs(fmts) do print("size", f, try(Struct.size, f), try(Struct.values, f)) end
print("pack", try(Struct.pack, ">b", -1), try(Struct.pack, "<h", 258), try(Struct.pack, ">H", 65535), try(Struct.pack, ">H", 65536), try(Struct.pack, ">B", 256), try(Struct.pack, ">b", 200), try(Struct.pack, ">b", -129))
print("pack2", try(Struct.pack, ">i3", -2), try(Struct.pack, "<I3", 0x123456), try(Struct.pack, ">e", Int64(-5)), try(Struct.pack, ">E", UInt64(7)), try(Struct.pack, ">E", 7), try(Struct.pack, ">e", "12"), try(Struct.pack, ">l", 1.7), try(Struct.pack, ">l", -1.7), try(Struct.pack, ">I", "42"))
print("pack3", try(Struct.pack, "<f", 1.5), try(Struct.pack, ">d", -2.25), try(Struct.pack, "s", "ab"), try(Struct.pack, "z", "ab"), try(Struct.pack, "c3", "ab"), try(Struct.pack, "c3", "abcd"), try(Struct.pack, "c0", "abc"), try(Struct.pack, "c", "xy"))
print("pack4", try(Struct.pack, "!4 b i", 1, 2), try(Struct.pack, "b x h", 1, 2), try(Struct.pack, "!8 b Xd", 1), try(Struct.pack, "b(h)b", 1, 2, 3), try(Struct.pack, ">i", nil), try(Struct.pack, ">i"), try(Struct.pack, ">i", "x"), try(Struct.pack, ">q", 1), try(Struct.pack, ">s", 5))
print("pack5", try(Struct.pack, ">I16", 5), try(Struct.pack, "<i16", -5), try(Struct.pack, ">i8", -1), try(Struct.pack, ">I8", 2^53), try(Struct.pack, ">I", 2^32), try(Struct.pack, ">i", 2^31), try(Struct.pack, ">i", -2^31-1), try(Struct.pack, ">I", -1))
print("unpack", try(Struct.unpack, ">b", "\255"), try(Struct.unpack, ">B", "\255"), try(Struct.unpack, "<h", "\1\128"), try(Struct.unpack, ">i3", "\255\255\254"), try(Struct.unpack, ">I8", "\255\255\255\255\255\255\255\255"), try(Struct.unpack, ">i8", "\255\255\255\255\255\255\255\254"))
print("unpack2", try(Struct.unpack, ">e", "\255\255\255\255\255\255\255\254"), try(Struct.unpack, ">E", "\255\255\255\255\255\255\255\254"), try(Struct.unpack, "<f", "\0\0\192\63"), try(Struct.unpack, ">d", "\192\2\0\0\0\0\0\0"), try(Struct.unpack, "s", "ab\0cd"), try(Struct.unpack, "z", "ab\0cd"), try(Struct.unpack, "c3", "abcd"), try(Struct.unpack, "B c0", "\2abc"), try(Struct.unpack, "s", "abc"))
print("unpack3", try(Struct.unpack, ">h", "\1"), try(Struct.unpack, ">h", "\1\2\3", 2), try(Struct.unpack, ">h", "\1\2\3", 3), try(Struct.unpack, ">h", "\1\2\3", 0), try(Struct.unpack, ">h", "\1\2\3", -1), try(Struct.unpack, "b(h)b", "\1\0\2\3"), try(Struct.unpack, "!4 b i", "\1\0\0\0\0\0\0\2"), try(Struct.unpack, ">I16", string.rep("\0",15).."\5"), try(Struct.unpack, ">i16", string.rep("\255",16)), try(Struct.unpack, ">I9", "\1"..string.rep("\0",8)))
print("unpack4", try(Struct.unpack, "<I4", "\255\255\255\255"), try(Struct.unpack, "<i4", "\255\255\255\255"), try(Struct.unpack, "<L", string.rep("\255",8)), try(Struct.unpack, "<l", string.rep("\255",8)), try(Struct.unpack, "<T", "\1\0\0\0\0\0\0\0"), try(Struct.unpack, "x", "\0"), try(Struct.unpack, "", "abc"), try(Struct.unpack, "c", "abc"), try(Struct.unpack, ">r", "abc"))
print("hex", try(Struct.tohex, "\1\171\255"), try(Struct.tohex, "\1\171\255", true), try(Struct.tohex, "\1\171\255", false, ":"), try(Struct.tohex, ""), try(Struct.tohex, "ab", true, " "))
print("fromhex", try(Struct.fromhex, "01abFF"), try(Struct.fromhex, "01:ab:ff", ":"), try(Struct.fromhex, "01 ab"), try(Struct.fromhex, "0"), try(Struct.fromhex, "zz"), try(Struct.fromhex, "01-02", "-"), try(Struct.fromhex, ""))
print("tostring", tostring(Struct):sub(1,5), try(Struct.size), try(Struct.pack), try(Struct.unpack, ">h"), try(Struct.pack, 5, 6))
for _, f in ipairs{"X","Xb","Xh","Xi","Xi2","Xd","XX","Xx","bX","bXh","bXi2","bXd","!8bXd","!2bXd","!bXd","!4bXd","!4 b X d", "bXc","bXs","bX!","i32","i33","i64","i100","I0","c10","c100","b!2h","!16bd","!32bd","!1bd","!0", "!bhd", "!2 bbbbb h", "Xq","X ","b(", "b)", "xx", "!4 b c3 i", "!4 b s i"} do
  print("size", f, try(Struct.size, f), try(Struct.values, f))
end
print(try(Struct.pack, "!4 b X i", 1), try(Struct.pack, "!4 b c3 i", 1, "abc", 2), try(Struct.pack, "!4 b s i", 1, "ab", 2), try(Struct.pack, "bXh", 1))
print(try(Struct.pack, ">e", UInt64(5)), try(Struct.pack, ">E", Int64(-1)), try(Struct.pack, ">i", true), try(Struct.pack, ">I16", -5), try(Struct.pack, ">I8", -1), try(Struct.pack, ">i", 2^40), try(Struct.pack, ">I8", 2^64), try(Struct.pack, ">i8", -2^63), try(Struct.pack, ">I8", 2^63))
print(try(Struct.unpack, "!4 b X i", "\1\0\0\0\0\0\0\2"), try(Struct.unpack, "!4 b s i", "\1ab\0\0\0\0\0\2"), try(Struct.unpack, "bb", "\1\2", 2), try(Struct.unpack, "", ""), try(Struct.unpack, "c0", "abc"), try(Struct.unpack, "b c0", "\5abc"), try(Struct.unpack, "b(c0)", "\2abc"))
print(try(Struct.unpack, "<e", "\1\0\0\0\0\0\0\0"), try(Struct.unpack, ">I3", "\1\2\3"), try(Struct.unpack, ">i1", "\128"), try(Struct.unpack, "<d", "\0\0\0\0\0\0\240\63"), try(Struct.unpack, ">L", "\0\0\0\0\0\0\0\5"), try(Struct.unpack, ">T", "\0\0\0\0\0\0\0\5"), try(Struct.unpack, "<L", "\0\0\0\0\0\0\0\128"), try(Struct.unpack, ">i8", "\128\0\0\0\0\0\0\0"))
print(try(Struct.unpack, ">I7", "\255\255\255\255\255\255\255"), try(Struct.unpack, ">i7", "\128\0\0\0\0\0\0"), try(Struct.unpack, "<I8", "\0\0\0\0\0\0\32\0"), try(Struct.unpack, "<I8", "\1\0\0\0\0\0\32\0"), try(Struct.unpack, ">b", "ab", 3), try(Struct.unpack, ">x", ""), try(Struct.unpack, ">s", "", 1))
print(try(Struct.tohex, 5), try(Struct.tohex, "a", "x"), try(Struct.tohex, "ab", 1, 2), try(Struct.fromhex, "0G"), try(Struct.fromhex, "a b", " "), try(Struct.fromhex, "ab:cd", "::"), try(Struct.fromhex, "abc"), try(Struct.fromhex, "ab::cd", ":"), try(Struct.fromhex, 1234), try(Struct.fromhex, "ab cd  ef"))
print(try(Struct.pack, ">f", 1e40), try(Struct.pack, "<d", 0/0) ~= nil, try(Struct.pack, "<h", 1.9999), try(Struct.pack, "<h", -0.5), try(Struct.pack, ">B", -1), try(Struct.pack, "s", 5), try(Struct.pack, "c2", 12), try(Struct.pack, "s", nil))
