"""Sections the service apps add to a person's page: what the person did in them.

The people app sits below the services (proposals, demands, visits …): it does not import them.
Each service registers, in its ``AppConfig.ready``, a template and a function giving that
template's context for a user looking at a person, or None when the user may not see it::

    sections.register("proposals/_person_credits.html", lambda user, person: {...} or None)
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    template: str
    context: Callable


_SECTIONS: dict[str, Section] = {}


def register(template: str, context: Callable) -> None:
    """Add (or replace) the section drawn by ``template``."""
    _SECTIONS[template] = Section(template, context)


def sections_for(user, person) -> list[dict]:
    """[{"template", "context"}] of every section ``user`` may see on ``person``'s page."""
    shown = []
    for section in _SECTIONS.values():
        context = section.context(user, person)
        if context is not None:
            shown.append({"template": section.template, "context": context})
    return shown
