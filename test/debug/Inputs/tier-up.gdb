# The first break is in baseline code; the fifth call runs the optimised
# code (the producer tells the tiers' debug info apart).
set pagination off
set confirm off
set breakpoint pending on
break g
run
info source
ignore 1 3
continue
bt 2
info source
delete
finish
kill
