"""Registry of subcommands: name -> "module:attribute" under workbench/cli/.

A command's module is imported only when that command runs (or --help lists them all), so
`workbench check` does not pay for the database layer, Alembic or the translation engines.
"""

from __future__ import annotations

LAZY: dict[str, str] = {
    "app": "review:app_command",
    "check": "check:check",
    "db": "db:db_group",
    "documents": "review:documents_command",
    "export": "review:export_command",
    "glossary": "review:glossary_group",
    "import": "review:import_command",
    "model": "translate:model",
    "names": "names:names_group",
    "score": "score:score",
    "show": "show:show",
    "translate": "translate:translate",
}
