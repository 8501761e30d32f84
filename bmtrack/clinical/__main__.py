import sys

from bmtrack.clinical.cli import main

sys.exit(main())
