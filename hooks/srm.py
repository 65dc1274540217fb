"""This handbook's own MkDocs adapter (``hooks:`` in mkdocs.yml): the ``srm`` plugin of
the package, configured from ``extra: srm:``. Other handbooks use ``plugins: [srm]``."""

from srm_handbook.mkdocs.plugin import ExtraConfiguredPlugin

_srm = ExtraConfiguredPlugin()

on_startup = _srm.on_startup
on_config = _srm.on_config
on_pre_build = _srm.on_pre_build
on_files = _srm.on_files
on_nav = _srm.on_nav
on_page_markdown = _srm.on_page_markdown
on_page_content = _srm.on_page_content
on_page_context = _srm.on_page_context
on_post_page = _srm.on_post_page
on_post_build = _srm.on_post_build
on_build_error = _srm.on_build_error
on_serve = _srm.on_serve
