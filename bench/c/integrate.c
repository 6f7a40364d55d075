/* C translation of bench/programs/integrate.ks: the midpoint rule for the
   integral of 4x^3 - 3x^2 + 2x + 1 over [0, 1] (exactly 2). */
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

static double f(double x) { return ((4 * x - 3) * x + 2) * x + 1; }

static double integrate(double n, double h) {
  double sum = 0;
  for (double i = 0; i < n; i = i + 1)
    sum = sum + f((i + 0.5) * h);
  return sum * h;
}

int main(void) {
  double got = integrate(arg(200000000), arg(0.000000005));
  double want = 2.0000000000004019;
  printf("%f\n", got);
  printf("%f\n", got == want ? 1.0 : 0.0);
  return got == want ? 0 : 1;
}
