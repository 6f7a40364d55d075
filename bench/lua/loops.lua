-- Lua translation of bench/programs/loops.ks (run with luajit).
local function loops(n)
  local s = 0
  local i = 0
  while i < n do
    local r = i * 2
    local j = 0
    while j < n do
      s = s + (r - j)
      j = j + 1
    end
    i = i + 1
  end
  return s
end

local got, want = loops(20000), 3999800000000
io.write(string.format("%f\n%f\n", got, got == want and 1 or 0))
