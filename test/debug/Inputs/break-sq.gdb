# Stop at sq's first call, show the stack, step a line, return to the caller.
set pagination off
set confirm off
set breakpoint pending on
break sq
run
bt 2
next
finish
kill
