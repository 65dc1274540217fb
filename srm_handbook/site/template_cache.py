"""Compiled templates kept between builds.

Jinja compiles each template to Python the first time a process renders it: for the
bundled handbook that costs more than rendering all its pages (0.1 to 0.2 s against
0.03 s). Jinja's own bytecode cache keeps the compiled code in a directory only this user
may write (``_jinja2-cache-<uid>`` in the system's temporary directory; Jinja refuses a
directory that others could write), under a file named by the template's name and path
and the options of our environment; each entry also records the source's checksum, so an
edited template is compiled again, never run stale. A cache that cannot be read or
written only costs the compilation: it never fails a build.
"""

from __future__ import annotations

import contextlib
import hashlib
from typing import Any

from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket


class TemplateCache(FileSystemBytecodeCache):
    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError):
            bucket.reset()  # unreadable or damaged: compiled again, then rewritten

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):  # a full or read-only disk: compiled next time
            super().dump_bytecode(bucket)


def template_cache(options: dict[str, Any], directory: str | None = None) -> TemplateCache | None:
    """The cache for an environment made with ``options``, in ``directory`` (by default
    Jinja's; none where the system gives no safe directory). Entries of environments with
    other options never mix."""
    key = hashlib.sha256(repr(sorted(options.items())).encode()).hexdigest()[:16]
    try:
        return TemplateCache(directory, pattern=f"srm-handbook-{key}-%s.cache")
    except (OSError, RuntimeError):  # Jinja found no directory only this user may write
        return None
