"""The ``motcua`` command: Django's management commands under the project's name.

``motcua migrate``, ``motcua load_demo``, ``motcua runserver`` … Commands may also be typed with
hyphens (``motcua load-demo``).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    args[0] = "motcua"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
