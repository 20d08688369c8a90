-- A syntax error on line 4.
local p = Proto("bad", "Bad")

function p.dissector(buf, pinfo, tree
  return 0
end
