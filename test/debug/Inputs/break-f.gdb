set pagination off
set confirm off
set breakpoint pending on
break f
run
continue
bt 1
kill
