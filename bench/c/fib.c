/* C translation of bench/programs/fib.ks: naive doubly recursive Fibonacci. */
#include <stdio.h>

static double fib(double x) {
  if (x < 3)
    return 1;
  return fib(x - 1) + fib(x - 2);
}

int main(void) {
  double got = fib(38);
  printf("%f\n", got);
  printf("%f\n", got == 39088169 ? 1.0 : 0.0);
  return got == 39088169 ? 0 : 1;
}
