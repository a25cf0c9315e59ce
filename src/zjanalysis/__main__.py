import sys

from zjanalysis.cli import main

sys.exit(main())
