-- Taps with filters over built-in protocols: which packets each sees, and
-- the order tshark calls them in (per tapped layer, frame last; the newest
-- listener of a tap first).
local log = {}
local function add(s) log[#log + 1] = s end
local taps = {
  { "tcp", "tcp.flags.syn == 1" },
  { "http", "http.response.code >= 400" },
  { nil, "udp.length > 60" },
  { "dns", "dns.flags.response == 1 && dns.flags.rcode == 0" },
  { "ip", "ip.len > 200" },
  { nil, nil },
  { "tcp", "tcp.len > 0" },
}
for i, t in ipairs(taps) do
  local l = Listener.new(t[1], t[2])
  local n = 0
  function l.packet(pinfo)
    n = n + 1
    if i ~= 6 then add(i .. ":" .. pinfo.number) end
  end
  function l.draw() print(tostring(l), n) end
  function l.reset() print("reset " .. i) end
end
local last = Listener.new(nil, "frame")
function last.packet() print(table.concat(log, " ")) log = {} end
