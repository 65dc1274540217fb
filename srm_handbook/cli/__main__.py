"""``python -m srm_handbook.cli``: the ``srm`` command."""

import sys

from srm_handbook.cli.main import main

sys.exit(main())
