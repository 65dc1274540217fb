"""The starter model ``srm init`` writes: small, valid, and explaining every field."""

from __future__ import annotations

STARTER_MODEL = """\
# yaml-language-server: $schema=schema/srm_data.schema.json
# ^ Editors with YAML support (VS Code's YAML extension, JetBrains IDEs) check this file
#   against the schema as you type. The format: docs/data-format.md of srm-handbook.
#   Check it with `srm validate`; every problem is shown as FILE:LINE:COLUMN.

schema: 1                      # the format version; always 1
title: Example shared responsibility model   # the handbook's title
intro: |                       # optional Markdown, shown on the home page
  Who secures what when a team builds on **Example Platform**: the platform team
  or the team that uses it. Replace this model with your own.
last_updated: "2026-01-01"     # optional: when the model last changed (YYYY-MM-DD)
review_interval_days: 365      # optional: rows whose `reviewed` date is older are overdue

# Who can own a responsibility. The order here is the order everywhere.
parties:
  platform:                    # an id: lower-case letters, digits, single hyphens
    name: Platform team        # the display name
    description: Runs Example Platform.   # optional Markdown
  you:
    name: You
    possessive: Your           # optional; default: the name + "'s"
    description: The team that builds on the platform.

# What the platform offers: one column of the matrix each, in this order.
capabilities:
  hosting:
    name: Hosting
    description: Runs your services on the platform's servers.   # optional Markdown
  storage:
    name: Storage
    status: beta               # optional short badge

# Groups of rows in the matrix, in this order.
categories:
  data:
    name: Data
    description: How data is kept safe.    # optional Markdown
  access:
    name: Access

# One entry per responsibility (a row of the matrix). Ids become URLs: keep them stable
# (renaming one means listing the old id under `aliases`).
responsibilities:
  encryption-at-rest:
    name: Encryption at rest
    category: data             # one of the categories above
    description: Data is encrypted wherever it is stored.   # optional Markdown
    owners:                    # exactly one entry per capability:
      hosting: platform        #   a party,
      storage: [platform, you] #   several parties (shared),
    duties:                    # what each owner must do; every owner needs a duty for
      platform:                # every capability it owns (the build checks it)
        - Encrypt every disk and every stored object with keys it rotates yearly.
      you:
        - text: Choose which buckets hold personal data and turn on their audit log.
          capabilities: [storage]   # optional: the duty applies only to these
    references:                # optional links
      - title: OWASP cryptographic storage cheat sheet
        url: https://cheatsheetseries.owasp.org/cheatsheets/Cryptographic_Storage_Cheat_Sheet.html
    reviewed: "2026-01-01"     # optional: when this row was last reviewed

  access-control:
    name: Access control for your services
    category: access
    aliases: [authz]           # optional: earlier ids of this row (they keep working)
    owners:
      hosting: you
      storage: you
    duties:
      you:
        - Give each person and service only the access it needs, and review it quarterly.

  backups:
    name: Backups
    category: data
    owners:
      hosting: n/a             #   or n/a: it does not apply to this capability
      storage: platform
    duties:
      platform:
        - Back up every bucket daily and test a restore every month.
"""

STARTER_MKDOCS = """\
# The handbook: `mkdocs serve` to preview, `mkdocs build` (or `srm build`) to publish.
# The srm plugin generates the model's pages (matrix, responsibilities, capabilities,
# parties) from srm_data.yaml and adds them to the nav; pages you write go in docs/.
site_name: Security handbook
docs_dir: docs
site_dir: site
strict: true

theme:
  name: material
  font: false              # no web fonts: nothing is fetched from outside when reading

plugins:
  - search
  - srm                    # reads srm_data.yaml beside this file (SRM_DATA overrides it)

markdown_extensions:
  - toc:
      permalink: true
  - admonition
  - tables
"""

STARTER_ABOUT = """\
# About this handbook

This handbook is generated from `srm_data.yaml` by srm-handbook. Edit that file, run
`srm validate`, and rebuild. Pages you write yourself, like this one, live in `docs/`.
"""
