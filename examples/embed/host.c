/* host.c - A C program that embeds kaleido through its C API.
 *
 * Defines Kaleidoscope functions, gives the program a host function with a
 * context, calls through the guarded kaleido_call(), through a pointer and
 * through a prepared call (one row, and three rows in a batch), and reports
 * a compile error with its location.
 *
 *   cc host.c $(pkg-config --cflags --libs kaleido)
 */
#include "kaleido/kaleido.h"

#include <stdio.h>
#include <stdlib.h>

/* A host function with a context: the program calls it as scaled(x). */
static double scaled(void *context, double x) { return x * *(double *)context; }

/* One that refuses negative input: the running call fails. */
static double checked(double x) {
  if (x < 0)
    kaleido_fail_host_call("checked: negative input");
  return x;
}

int main(void) {
  char *error = NULL;
  kaleido_session *s = kaleido_session_new(NULL, &error);
  if (!s) {
    fprintf(stderr, "host: %s\n", error);
    free(error);
    return 1;
  }
  double factor = 1.5;
  kaleido_define_host_function(s, "scaled", 1, (kaleido_host_fn)scaled,
                               &factor);
  kaleido_define_host_function(s, "checked", 1, (kaleido_host_fn)checked, NULL);
  if (kaleido_run(s,
                  "extern scaled(x); extern checked(x);\n"
                  "def fib(x) if x < 3 then 1 else fib(x-1) + fib(x-2);\n"
                  "def area(w h) scaled(w * h);\n"
                  "def root(x) checked(x) * 2;\n",
                  "library.ks") != KALEIDO_OK) {
    fprintf(stderr, "%s", kaleido_last_diagnostics(s));
    return 1;
  }

  double args[] = {20};
  double value = 0;
  kaleido_call(s, "fib", args, 1, &value);
  printf("fib(20) = %g\n", value);

  double (*area)(double, double) =
      (double (*)(double, double))kaleido_lookup(s, "area", 2);
  printf("area(2, 3) = %g\n", area(2, 3));

  /* Looked up once, guarded on every call; and over rows in one batch. */
  kaleido_function *area_fn = kaleido_prepare(s, "area", 2);
  double wh[] = {4, 5};
  kaleido_function_call(area_fn, wh, 2, &value);
  printf("prepared area(4, 5) = %g\n", value);
  double widths[] = {1, 2, 3}, heights[] = {10, 20, 30}, areas[3];
  const double *columns[] = {widths, heights};
  kaleido_function_call_batch(area_fn, columns, 2, areas, 3);
  printf("areas: %g %g %g\n", areas[0], areas[1], areas[2]);
  kaleido_function_free(area_fn);

  double negative[] = {-1};
  kaleido_status status = kaleido_call(s, "root", negative, 1, &value);
  printf("root(-1): status %d (%s)\n%s", (int)status, kaleido_last_error(s),
         kaleido_last_diagnostics(s));

  status = kaleido_run(s, "def broken(x) x +;", "bad.ks");
  printf("bad.ks: status %d\n%s", (int)status, kaleido_last_diagnostics(s));

  printf("kaleido %s\n", kaleido_version());
  kaleido_session_free(s);
  return 0;
}
