-- Lua translation of bench/programs/integrate.ks (run with luajit).
local function f(x) return ((4 * x - 3) * x + 2) * x + 1 end

local function integrate(n, h)
  local sum = 0
  local i = 0
  while i < n do
    sum = sum + f((i + 0.5) * h)
    i = i + 1
  end
  return sum * h
end

local got, want = integrate(200000000, 0.000000005), 2.0000000000004019
io.write(string.format("%f\n%f\n", got, got == want and 1 or 0))
