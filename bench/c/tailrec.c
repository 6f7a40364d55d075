/* C translation of bench/programs/tailrec.ks: a tail-recursive loop summing
   the logistic map x' = 3.9 x (1 - x), which is chaotic, so any difference in
   rounding between runners would show in the answer. */
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

static double loop(double i, double n, double x, double acc) {
  if (i < n)
    return loop(i + 1, n, 3.9 * x * (1 - x), acc + x);
  return acc;
}

int main(void) {
  double got = loop(arg(0), arg(200000000), arg(0.5), arg(0));
  double want = 118515439.21981543;
  printf("%f\n", got);
  printf("%f\n", got == want ? 1.0 : 0.0);
  return got == want ? 0 : 1;
}
