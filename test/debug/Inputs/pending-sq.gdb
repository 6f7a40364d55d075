# Run with a breakpoint on sq; without -g it never resolves.
set pagination off
set confirm off
set breakpoint pending on
break sq
run
info breakpoints
