-- Lua translation of bench/programs/mandelbrot.ks (run with luajit).
local function converge(real, imag, iters, creal, cimag)
  if 255 < iters then return iters end
  if 4 < real * real + imag * imag then return iters end
  return converge(real * real - imag * imag + creal, 2 * real * imag + cimag,
                  iters + 1, creal, cimag)
end

local function mandel(xmin, ymin, step, w, h)
  local total = 0
  local j = 0
  while j < h do
    local i = 0
    while i < w do
      local x, y = xmin + i * step, ymin + j * step
      total = total + converge(x, y, 0, x, y)
      i = i + 1
    end
    j = j + 1
  end
  return total
end

local got, want = mandel(0 - 2.25, 0 - 1.25, 0.0025, 1400, 1000), 67149038
io.write(string.format("%f\n%f\n", got, got == want and 1 or 0))
