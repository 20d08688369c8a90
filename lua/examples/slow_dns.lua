-- Slowest DNS queries: each response's dns.time (the time since its query,
-- from the DNS dissector's query/response pairing), slowest first.
--   strato read -r FILE -q --script lua/examples/slow_dns.lua [--script-arg top=N]
-- Rows: seconds <TAB> query name <TAB> rcode <TAB> response frame.

local top = tonumber(strato.args.top) or 10

local dns_time = Field.new("dns.time")
local qry_name = Field.new("dns.qry.name")
local rcode = Field.new("dns.flags.rcode")

local answers = {}

function on_event(evt)
  local t = dns_time()
  if not t then return end
  local name = qry_name()
  answers[#answers + 1] = {
    seconds = evt:field("dns.time"),  -- a plain number, for sorting
    text = tostring(t),  -- as tshark prints it: nine decimals
    name = name and tostring(name) or "",
    rcode = tostring(rcode()),
    frame = evt:number(),
  }
end

function on_end()
  table.sort(answers, function(a, b)
    if a.seconds ~= b.seconds then return a.seconds > b.seconds end
    return a.frame < b.frame
  end)
  for i = 1, math.min(top, #answers) do
    local a = answers[i]
    strato.emit({ a.text, a.name, a.rcode, a.frame })
  end
end
