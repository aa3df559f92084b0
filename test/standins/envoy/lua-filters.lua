-- Runs Envoy HTTP Lua filters (envoy.filters.http.lua inline_code) against one
-- request, with the parts of Envoy's request_handle API the filters use:
-- headers():get/add/replace/remove (":path" included), streamInfo():routeName(),
-- respond(headers, body). Input on stdin, one per line:
--   F <file>        a filter's code (in chain order)
--   R <route name>
--   H <name>\t<value>
-- Output: the headers after all filters ("H name\tvalue"), or "S <status>" and
-- "B <body>" when a filter responded (later filters do not run, as in Envoy).
local files, route, headers = {}, "", {}
for line in io.lines() do
  local kind, rest = line:sub(1, 1), line:sub(3)
  if kind == "F" then files[#files + 1] = rest
  elseif kind == "R" then route = rest
  elseif kind == "H" then
    local name, value = rest:match("^([^\t]*)\t(.*)$")
    headers[#headers + 1] = { name:lower(), value }
  end
end

local function find(name)
  name = name:lower()
  for i, h in ipairs(headers) do if h[1] == name then return i end end
  return nil
end

local header_map = {
  get = function(_, name) local i = find(name); return i and headers[i][2] or nil end,
  add = function(_, name, value) headers[#headers + 1] = { name:lower(), value } end,
  replace = function(_, name, value)
    local i = find(name)
    if i then headers[i][2] = value else headers[#headers + 1] = { name:lower(), value } end
  end,
  remove = function(_, name)
    name = name:lower()
    local kept = {}
    for _, h in ipairs(headers) do if h[1] ~= name then kept[#kept + 1] = h end end
    headers = kept
  end,
}

local responded = nil
local handle = {
  headers = function() return header_map end,
  streamInfo = function() return { routeName = function() return route end } end,
  respond = function(_, hdrs, body) responded = { status = hdrs[":status"], body = body or "" } end,
  logInfo = function() end, logWarn = function() end, logErr = function() end, logDebug = function() end,
}

for _, file in ipairs(files) do
  local env = setmetatable({}, { __index = _G })
  local chunk = assert(loadfile(file))
  setfenv(chunk, env)
  chunk()
  if type(env.envoy_on_request) ~= "function" then error(file .. ": no envoy_on_request") end
  env.envoy_on_request(handle)
  if responded then break end
end

if responded then
  io.write("S ", responded.status, "\n", "B ", (responded.body:gsub("\n", " ")), "\n")
else
  for _, h in ipairs(headers) do io.write("H ", h[1], "\t", h[2], "\n") end
end
