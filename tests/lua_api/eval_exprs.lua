-- Evaluates exprs.lua's expressions on a Tvb and returns one line each:
-- "EXPR = VALUE" or "EXPR = ERROR: message". Shared by the tshark script
-- and the C++ test, so both sides format values alike. Lua 5.2 (tshark)
-- prints integral floats as "5" and 5.4 as "5.0": numbers are normalised
-- to "%.0f" when integral, to "%.14g" otherwise.
local function show(v)
  local t = type(v)
  if t == "number" then
    if v == 0 then return "0" end  -- -0.0 from wslua's Int64:higher()
    if v == math.floor(v) and v > -2^63 and v < 2^63 then return string.format("%.0f", v) end
    return string.format("%.14g", v)
  elseif t == "string" then
    if v:find("^[\32-\126]*$") then return '"' .. v .. '"' end
    return "bytes(" .. v:gsub(".", function(c) return string.format("%02x", c:byte()) end) .. ")"
  end
  return tostring(v)
end

-- `extra`: more names the expressions may use (kept_tvb, kept_range).
return function(exprs, tvb, extra)
  local env = setmetatable({tvb = tvb}, {__index = _G})
  for k, v in pairs(extra or {}) do env[k] = v end
  local out = {}
  for _, e in ipairs(exprs) do
    local f, err = load("return " .. e, "=expr", "t", env)
    local line
    if not f then
      line = e .. " = ERROR: " .. err
    else
      local ok, v = pcall(f)
      if ok then
        local okshow, s = pcall(show, v)
        line = e .. " = " .. (okshow and s or ("ERROR: tostring: " .. tostring(s)))
      else
        line = e .. " = ERROR: " .. tostring(v)
      end
    end
    out[#out + 1] = line
  end
  return out
end
