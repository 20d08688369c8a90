-- Its script arguments (-X lua_script1:ARG) as a field.
local args = { ... }
local p = Proto("argsdns", "Script arguments")
local f_args = ProtoField.string("argsdns.args", "Arguments")
p.fields = { f_args }

function p.dissector(buf, pinfo, tree)
  tree:add(p, buf()):add(f_args, table.concat(args, ","))
  return buf:len()
end

DissectorTable.get("udp.port"):add(32958, p)
