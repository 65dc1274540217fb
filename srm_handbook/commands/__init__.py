"""Sub-commands of ``srm`` beyond validate/export/schema, one module each.

Each module defines ``register(subparsers, formatter_class)``; :mod:`srm_handbook.cli`
registers every module of this package.
"""
