"""Option types the commands share.

click keeps the last value of an option given twice (`--src a.txt --src b.txt` checks only
b.txt, silently). ``Once`` refuses the repetition instead, naming the values, so a shell glob
that expands to several files is an error the user sees, not a file quietly skipped.
"""

from __future__ import annotations

from typing import Any

import click


class Once(click.Option):
    """An option that takes one value and may be given at most once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        default = kwargs.pop("default", None)
        super().__init__(*args, multiple=True, **kwargs)
        self._single_default = default
        if default is not None:
            self.default = (default,)

    def process_value(self, ctx: click.Context, value: Any) -> Any:
        values = super().process_value(ctx, value)
        if not values:
            return None
        if len(values) > 1:
            shown = ", ".join(str(v) for v in values)
            raise click.BadParameter(
                f"given {len(values)} times ({shown}); give it once "
                "(a shell glob can expand to several files).",
                ctx=ctx,
                param=self,
            )
        return values[0]

    def get_help_extra(self, ctx: click.Context) -> Any:
        extra = super().get_help_extra(ctx)
        if self.show_default and self._single_default is not None:
            extra["default"] = str(self._single_default)
        return extra


db_option = click.option(
    "--db",
    cls=Once,
    default=None,
    metavar="PATH|URL",
    help="The database: a SQLite file or a postgresql:// URL (default: WORKBENCH_DB, else "
    "~/.local/share/workbench/workbench.db).",
)
"""--db, as every command that opens the database takes it."""
