-- Lua translation of bench/programs/tailrec.ks (run with luajit; Lua has
-- proper tail calls, so the recursion runs in constant stack).
local function loop(i, n, x, acc)
  if i < n then return loop(i + 1, n, 3.9 * x * (1 - x), acc + x) end
  return acc
end

local got, want = loop(0, 200000000, 0.5, 0), 118515439.21981543
io.write(string.format("%f\n%f\n", got, got == want and 1 or 0))
