-- Top talkers: packets and bytes (frame.len) per IP pair, or per process
-- when events carry proc.name (live captures with process attribution).
--   strato read -r FILE -q --script lua/examples/top_talkers.lua [--script-arg top=N] [--script-arg interval=S]
-- Rows: talker <TAB> packets <TAB> bytes, most bytes first. With interval=S
-- a table is printed every S seconds of capture time, then counts restart.

local top = tonumber(strato.args.top) or 10
local interval = tonumber(strato.args.interval)

-- proc.name exists only when a plugin that knows processes is loaded.
local has_proc = pcall(Field.new, "proc.name")

local talkers = {}

local function talker(evt)
  if has_proc then
    local name = evt:field("proc.name")
    if name then return name end
  end
  local src = evt:field("ip.src") or evt:field("ipv6.src")
  local dst = evt:field("ip.dst") or evt:field("ipv6.dst")
  if not src then return nil end
  -- Both directions of a conversation count for the same pair.
  if src > dst then src, dst = dst, src end
  return src .. " <-> " .. dst
end

local function report()
  local rows = {}
  for k, t in pairs(talkers) do rows[#rows + 1] = { k, t.packets, t.bytes } end
  table.sort(rows, function(a, b)
    if a[3] ~= b[3] then return a[3] > b[3] end
    return a[1] < b[1]
  end)
  for i = 1, math.min(top, #rows) do strato.emit(rows[i]) end
  talkers = {}
end

function on_init()
  if interval then strato.set_interval(interval) end
end

function on_event(evt)
  local k = talker(evt)
  if not k then return end
  local t = talkers[k]
  if not t then
    t = { packets = 0, bytes = 0 }
    talkers[k] = t
  end
  t.packets = t.packets + 1
  t.bytes = t.bytes + evt:len()
end

function on_interval(ts_s, ts_ns, delta)
  print(string.format("-- %d.%09d (%.3f s)", ts_s, ts_ns, delta / 1e9))
  report()
end

function on_end()
  if not interval then report() end
end
