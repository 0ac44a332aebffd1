"""One vocabulary for what a service refuses: ``Refused`` carries the French message shown to the user.

Services raise a subclass of ``Refused`` (nothing written) and views catch the base to show ``message``.
``Conflict`` is the refusal of a save built on an older version of what someone else has changed since.
"""

from __future__ import annotations


class Refused(Exception):
    """A refused action, with the French message(s) shown to the user; nothing was changed."""

    def __init__(self, message: str = "", messages: list[str] | None = None) -> None:
        self.messages = list(messages) if messages else [message]
        self.message = message or " ".join(self.messages)
        super().__init__(self.message)


class Conflict(Refused):
    """Someone else changed the object since the form was shown: the user's input is kept, nothing written."""
