"""python -m kexie.docparse FILE [--json]"""

import sys

from kexie.docparse.cli import main

sys.exit(main(sys.argv[1:]))
