-- HTTP errors by host: responses with a status code of 400 or more, counted
-- per host of the request they answer (its Host header; the host part of
-- http.response_for.uri when the request was not seen with one).
--   strato read -r FILE -q --script lua/examples/http_errors.lua
-- Rows: host <TAB> status code <TAB> responses, by host then code.

local hosts = {}   -- request frame number -> Host header
local errors = {}  -- "host\tcode" -> count

function on_event(evt)
  local host = evt:field("http.host")
  if host then hosts[evt:number()] = host end
  local code = evt:field("http.response.code")
  if not code or code < 400 then return end
  local req = evt:field("http.request_in")
  local h = req and hosts[req]
  if not h then
    local uri = evt:field("http.response_for.uri") or ""
    h = uri:match("^%a[%w+.-]*://([^/]+)") or "?"
  end
  local k = h .. "\t" .. code
  errors[k] = (errors[k] or 0) + 1
end

function on_end()
  local rows = {}
  for k, n in pairs(errors) do
    local h, c = k:match("^(.*)\t(%d+)$")
    rows[#rows + 1] = { h, tonumber(c), n }
  end
  table.sort(rows, function(a, b)
    if a[1] ~= b[1] then return a[1] < b[1] end
    return a[2] < b[2]
  end)
  for _, r in ipairs(rows) do strato.emit(r) end
end
