/* C translation of bench/programs/tailrec.ks: a tail-recursive loop summing
   the logistic map x' = 3.9 x (1 - x), which is chaotic, so any difference in
   rounding between runners would show in the answer. */
#include <stdio.h>

static double loop(double i, double n, double x, double acc) {
  if (i < n)
    return loop(i + 1, n, 3.9 * x * (1 - x), acc + x);
  return acc;
}

int main(void) {
  double got = loop(0, 200000000, 0.5, 0);
  double want = 118515439.21981543;
  printf("%f\n", got);
  printf("%f\n", got == want ? 1.0 : 0.0);
  return got == want ? 0 : 1;
}
