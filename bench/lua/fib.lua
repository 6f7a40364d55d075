-- Lua translation of bench/programs/fib.ks (run with luajit).
local function fib(x)
  if x < 3 then return 1 end
  return fib(x - 1) + fib(x - 2)
end

local got, want = fib(38), 39088169
io.write(string.format("%f\n%f\n", got, got == want and 1 or 0))
