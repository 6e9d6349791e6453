"""python -m kexie.docparse FILE [--json]"""

import os
import sys

from kexie.docparse.cli import main

try:
    sys.exit(main(sys.argv[1:]))
except BrokenPipeError:  # the reader of a pipe (| head) went away: not an error of ours
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(0)
