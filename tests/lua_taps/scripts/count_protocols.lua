-- Only taps: packets and bytes per protocol stack and per layer, printed at
-- the end, as tshark -q -X lua_script:count_protocols.lua prints them.
local stacks = Field.new("frame.protocols")
local flen = Field.new("frame.len")

local per_stack, order = {}, {}
local all = Listener.new()
function all.packet(pinfo, tvb)
  local s = tostring(stacks())
  local c = per_stack[s]
  if not c then
    c = { packets = 0, bytes = 0, first = pinfo.number }
    per_stack[s] = c
    order[#order + 1] = s
  end
  c.packets = c.packets + 1
  c.bytes = c.bytes + flen().value
  if tvb:len() ~= pinfo.caplen then error("tvb and caplen differ") end
end
function all.draw()
  for _, s in ipairs(order) do
    local c = per_stack[s]
    print(s, c.packets, c.bytes, c.first)
  end
end

local layers = {}
for _, name in ipairs({ "eth", "ip", "udp", "tcp", "dns", "http", "icmp" }) do
  local n = 0
  local tap = Listener.new(name)
  function tap.packet() n = n + 1 end
  function tap.draw() print(name, n) end
  layers[#layers + 1] = tap
end
