#!/usr/bin/env python3
"""Run a command and report its wall time and peak resident set size.

    peak-rss.py COMMAND [ARG...]

Prints one line "SECONDS MAXRSS_KB" on standard output, where MAXRSS_KB is
the largest RSS of the command or any process it waited for (getrusage
RUSAGE_CHILDREN, kilobytes on Linux).  The command's own standard output
goes to standard error so that the measurement is all a caller reads.  The
exit status is the command's.  A stand-in for GNU time, which may be absent.
The kernel counts the forked child's size before exec, so the figure has a
floor of about the size of this Python process (~14 MB).
"""

import resource
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__.strip().split("\n\n")[1])
    sys.stdout.flush()
    start = time.monotonic()
    rc = subprocess.call(sys.argv[1:], stdout=sys.stderr.fileno())
    elapsed = time.monotonic() - start
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    print("%.3f %d" % (elapsed, ru.ru_maxrss))
    sys.exit(rc if rc >= 0 else 128 - rc)


if __name__ == "__main__":
    main()
