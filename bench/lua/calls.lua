-- Lua translation of bench/programs/calls.ks (run with luajit).
local function sq(x) return x * x end
local function cube(x) return x * sq(x) end
local function lerp(a, b, t) return a + (b - a) * t end
local function clamp(x, lo, hi)
  if x < lo then return lo end
  if hi < x then return hi end
  return x
end
local function smooth(x)
  local c = clamp(x, 0, 1)
  return sq(c) * (3 - 2 * c)
end
local function poly(x) return 1 + x * (0.5 + x * 0.25) end
local function mix(a, b) return lerp(a, b, smooth(a - b)) end
local function step(i)
  local t = i * 0.0000001
  return mix(poly(t), cube(t))
end

local function run(n)
  local acc = 0
  local i = 0
  while i < n do
    acc = acc + step(i)
    i = i + 1
  end
  return acc
end

local got, want = run(50000000), 205297931.10557231
io.write(string.format("%f\n%f\n", got, got == want and 1 or 0))
