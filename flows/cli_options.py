"""Command-line options documented by the flow parameters of the same name."""

from __future__ import annotations

import typer

from flows.news_etl import RunParameters

DEFAULTS = RunParameters()


def option(name: str, **kwargs: object) -> typer.models.OptionInfo:
    """A command-line option documented by the flow parameter of the same name."""
    return typer.Option(help=RunParameters.model_fields[name].description, **kwargs)
