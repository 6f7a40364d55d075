/* C translation of bench/programs/mandelbrot.ks: the sum of the escape-time
   iteration counts over a grid of the Mandelbrot set. */
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

static double converge(double real, double imag, double iters, double creal,
                       double cimag) {
  for (;;) {
    if (255 < iters)
      return iters;
    if (4 < real * real + imag * imag)
      return iters;
    double r = real * real - imag * imag + creal;
    double i = 2 * real * imag + cimag;
    real = r;
    imag = i;
    iters = iters + 1;
  }
}

static double mandel(double xmin, double ymin, double step, double w,
                     double h) {
  double total = 0;
  for (double j = 0; j < h; j = j + 1)
    for (double i = 0; i < w; i = i + 1) {
      double x = xmin + i * step;
      double y = ymin + j * step;
      total = total + converge(x, y, 0, x, y);
    }
  return total;
}

int main(void) {
  double got =
      mandel(arg(-2.25), arg(-1.25), arg(0.0025), arg(1400), arg(1000));
  double want = 67149038;
  printf("%f\n", got);
  printf("%f\n", got == want ? 1.0 : 0.0);
  return got == want ? 0 : 1;
}
