# The third call of fib is two recursive calls deep.
set pagination off
set confirm off
set breakpoint pending on
break fib
run
continue 2
bt 4
delete
finish
kill
