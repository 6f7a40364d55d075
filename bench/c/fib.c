/* C translation of bench/programs/fib.ks: naive doubly recursive Fibonacci. */
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

static double fib(double x) {
  if (x < 3)
    return 1;
  return fib(x - 1) + fib(x - 2);
}

int main(void) {
  double got = fib(arg(38));
  printf("%f\n", got);
  printf("%f\n", got == 39088169 ? 1.0 : 0.0);
  return got == 39088169 ? 0 : 1;
}
