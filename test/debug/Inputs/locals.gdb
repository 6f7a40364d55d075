# sq's second call comes from the body of addsq's `var`: t is set by then.
set pagination off
set confirm off
set breakpoint pending on
break sq
run
continue
up
info args
info locals
kill
