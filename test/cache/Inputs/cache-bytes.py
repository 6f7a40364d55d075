# Prints whether the entries in a cache directory fit a cap of N MiB, and
# that no temporary file is left.
import glob, os, sys
d, cap = sys.argv[1], int(sys.argv[2]) << 20
total = sum(os.path.getsize(f) for f in glob.glob(os.path.join(d, "*.kco")))
print("within the cap" if total <= cap else f"over the cap: {total}")
print("temporary files:", len(glob.glob(os.path.join(d, "*.part"))))
