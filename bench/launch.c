/* launch.c - runs one command and reports its wall time and peak memory.

     launch REPORT-FILE COMMAND [ARG...]

   bench/run builds this (clang-22 -O2) and starts every measured process
   through it. Python cannot report a child's peak memory itself: Linux
   charges a child that exec()s the peak RSS of the address space it had
   before exec, and a child of Python (vfork or fork) starts inside Python's
   ~20 MB. A child of this small program starts at ~1 MB. The child inherits
   stdin, stdout and stderr. REPORT-FILE receives one line:
     <wall seconds> <peak RSS KiB> <exit status, or 128+signal> <CPU seconds>
   where CPU seconds are user + system time of the child and its children:
   on a shared machine they leave out the time the child waited for a CPU,
   which wall time includes.
   The exit status of launch is the child's. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: launch REPORT-FILE COMMAND [ARG...]\n");
    return 64;
  }
  FILE *report = fopen(argv[1], "w");
  if (!report) {
    perror(argv[1]);
    return 74;
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    return 71;
  }
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    perror(argv[2]);
    _exit(127);
  }
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) {
    perror("wait4");
    return 71;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  double wall = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
  double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
               ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
  fprintf(report, "%.9f %ld %d %.6f\n", wall, ru.ru_maxrss, code, cpu);
  fclose(report);
  return code;
}
