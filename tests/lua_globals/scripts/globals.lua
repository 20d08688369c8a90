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
local D = ...
print("typeof", pcall(typeof, 1), typeof("a"), pcall(typeof,nil), typeof({}), pcall(typeof,print), pcall(typeof,true), typeof({__typeof="X"}))
print("typeof2", typeof(ByteArray.new("01")), typeof(UInt64(1)), typeof(Int64(1)), typeof(NSTime(1,2)), typeof(Proto), typeof(Struct), typeof(ByteArray), typeof(Dir), typeof(Column))
print("typeof3", typeof(Address.ip("1.2.3.4")), typeof(Field.new("frame.len")), typeof(ProtoField.uint8("a.b")), typeof(Proto("zzz","zz")), typeof(Tvb), typeof(TvbRange), typeof(TreeItem), typeof(Listener), typeof(ProtoField), typeof(Field), typeof(DissectorTable), typeof(Dissector))
print("fd", format_date(0), format_date(1.5), format_date(1234567890), format_date(1234567890.123456789))
print("ft", format_time(0), format_time(1.5), format_time(3661.25), format_time(-2), format_time(1234567890))
print("fe", file_exists("/etc/passwd"), file_exists("/nonexistent"), file_exists("/tmp"))
print("dirs", DATA_DIR, USER_DIR)
print("gui", gui_enabled(), GUI_ENABLED, running_superuser)
for _, f in ipairs{"register_menu","new_dialog","retap_packets","browser_open_url","copy_to_clipboard","open_capture_file","get_filter","set_filter","reload","reload_packets","reload_lua_plugins","redissect_packets","apply_filter","browser_open_data_file"} do
  print(f, try(_G[f], "a", function() end, 1))
end
print("progdlg", try(ProgDlg.new, "a", "b"))
print("textwindow", try(TextWindow.new, "a"))
print("all_field_infos", try(all_field_infos))
print("dir", try(Dir.exists, "/tmp"))
print("dirpath", try(Dir.personal_config_path), try(Dir.global_config_path), try(Dir.personal_plugins_path), try(Dir.global_plugins_path))
print("wtap", wtap.USER0, wtap.USER15, wtap_encaps.ETHERNET, wtap_encaps.RAW_IP, wtap_encaps.SLL, wtap_encaps.NULL)
print("getwtap", get_wtap_filetypes().PCAPNG, wtap_filetypes.PCAP, wtap.USER0 == wtap_encaps.USER0)
print("ft2", format_time(-1.5), format_time(1), format_time(60), format_time(86400), format_time(172801), format_time(0.25), format_time(-0.25), format_time(59.999999999))
print("fd2", format_date(-1), format_date(-1.5), format_date(4102444800), format_date(0.0000000005))
local d = Dir.open(D)
print("dd", typeof(d))
local names = {}
for f in d do names[#names+1] = f end
table.sort(names)
print("entries", table.concat(names, " "))
names = {}
for f in Dir.open(D, ".lua") do names[#names+1] = f end
table.sort(names)
print("lua entries", table.concat(names, " "))
print("nodir", try(Dir.open, "/nonexistent"))
print("exists", try(Dir.exists, D .. ""), try(Dir.exists, D .. "/a.lua"), try(Dir.exists, "/nonexist"))
print("make", try(Dir.make, D .. "/sub"), try(Dir.make, D .. "/sub"), try(Dir.make, D .. "/a.lua"))
print("remove", try(Dir.remove, D .. "/sub"), try(Dir.remove, D .. "/sub"))
print("unpack", try(Struct.unpack, ">I2", "\1\2"))
local encs = {}
for k, v in pairs(_G) do if type(k) == "string" and (k:find("^ENC_") or k:find("^MENU_")) then encs[#encs+1] = k .. "=" .. string.format("%d", v) end end
table.sort(encs)
print("consts", #encs, table.concat(encs, " "))
for _, t in ipairs{"wtap_encaps", "wtap_filetypes", "Column", "ProgDlg", "TextWindow", "Dir", "Struct"} do
  local kk = {}
  for k, v in pairs(_G[t]) do kk[#kk+1] = k .. "=" .. (type(v) == "number" and string.format("%d", v) or type(v)) end
  table.sort(kk)
  print(t, #kk, table.concat(kk, " "))
end
