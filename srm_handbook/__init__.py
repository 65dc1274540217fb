"""srm-handbook: a docs-as-code generator for shared responsibility models.

The core never imports MkDocs: ``load`` reads and checks ``srm_data.yaml`` into the
normalised ``model``; ``views`` turns a model into pages; ``hooks/`` and ``cli`` adapt it.
"""

__version__ = "0.1.0"
