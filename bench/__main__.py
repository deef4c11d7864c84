"""`python -m bench`: the benchmark's command line (`bench.stages.main`)."""

import sys

from bench.stages import main

sys.exit(main())
