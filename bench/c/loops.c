/* C translation of bench/programs/loops.ks: nested loops with mutable vars. */
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

static double loops(double n) {
  double s = 0;
  for (double i = 0; i < n; i = i + 1) {
    double r = i * 2;
    for (double j = 0; j < n; j = j + 1)
      s = s + (r - j);
  }
  return s;
}

int main(void) {
  double got = loops(arg(20000));
  double want = 3999800000000;
  printf("%f\n", got);
  printf("%f\n", got == want ? 1.0 : 0.0);
  return got == want ? 0 : 1;
}
