/* C translation of bench/programs/calls.ks: many small functions, each call
   cheap, so the cost of a call dominates. clang inlines them all; kaleido
   keeps every call between functions (through its stub). */
#include <stdio.h>

/* bench/run builds this twice: as it is, and with -DOPAQUE_ARGS, which hides
   the values of main's arguments from the optimiser, as a call between two
   kaleido functions (through a stub, never inlined) does. */
#ifdef OPAQUE_ARGS
static double arg(double x) {
  volatile double v = x;
  return v;
}
#else
#define arg(x) (x)
#endif

static double sq(double x) { return x * x; }
static double cube(double x) { return x * sq(x); }
static double lerp(double a, double b, double t) { return a + (b - a) * t; }
static double clamp(double x, double lo, double hi) {
  if (x < lo)
    return lo;
  if (hi < x)
    return hi;
  return x;
}
static double smooth(double x) {
  double c = clamp(x, 0, 1);
  return sq(c) * (3 - 2 * c);
}
static double poly(double x) { return 1 + x * (0.5 + x * 0.25); }
static double mix(double a, double b) { return lerp(a, b, smooth(a - b)); }
static double step(double i) {
  double t = i * 0.0000001;
  return mix(poly(t), cube(t));
}

static double run(double n) {
  double acc = 0;
  for (double i = 0; i < n; i = i + 1)
    acc = acc + step(i);
  return acc;
}

int main(void) {
  double got = run(arg(50000000));
  double want = 205297931.10557231;
  printf("%f\n", got);
  printf("%f\n", got == want ? 1.0 : 0.0);
  return got == want ? 0 : 1;
}
