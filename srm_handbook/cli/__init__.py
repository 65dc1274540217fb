"""The ``srm`` command line: :mod:`.main` builds the parser from the ``cmd_*`` modules."""
