-- Reports what the sandbox lets through, in the Info column.
local p = Proto("sandbox", "Sandbox probe")
local f_io = ProtoField.string("sandbox.io", "io")
local f_exec = ProtoField.string("sandbox.os_execute", "os.execute")
p.fields = { f_io, f_exec }

function p.dissector(buf, pinfo, tree)
  local t = tree:add(p, buf())
  t:add(f_io, type(io))
  t:add(f_exec, type(os.execute))
  return buf:len()
end

DissectorTable.get("udp.port"):add(32958, p)
