"""The request's viewer: which restricted children are hidden from the signed-in user.

``RestrictedRecordMiddleware`` sets one for every request (pages and the JSON API alike, so
an API call has the same viewer as a page), and ``Person`` asks it before printing a child
(``frontdoor.people.masking``). The set of hidden children is read once, the first time a
person is printed, in one query over the live restrictions (few rows), and kept for the
request; a request that prints nobody costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from frontdoor.people.masking import current_viewer, viewing
from frontdoor.restricted.selectors import hidden_child_ids, signed_in


class RequestViewer:
    """The signed-in user of one request (read lazily: the authentication middleware's user
    is itself lazy), and the restricted children hidden from them."""

    def __init__(self, user: Callable[[], Any]) -> None:
        self._user = user
        self._hidden: set[int] | None = None

    @property
    def user(self) -> Any:
        return self._user()

    @property
    def hidden(self) -> set[int]:
        if self._hidden is None:
            user = self.user
            self._hidden = hidden_child_ids(user) if signed_in(user) else set()
        return self._hidden

    def hides(self, person_id: int) -> bool:
        return person_id in self.hidden

    def forget(self) -> None:
        """Read the hidden children again at the next question (a restriction changed)."""
        self._hidden = None


def viewer_forget() -> None:
    """Called by the restriction services: the request's viewer reads the restrictions again."""
    viewer = current_viewer()
    if isinstance(viewer, RequestViewer):
        viewer.forget()


def streamed_for(viewer: RequestViewer, chunks: Iterable[Any]) -> Iterator[Any]:
    """A streamed response's chunks, each made for ``viewer``: a streaming response (a CSV
    export) is written after the middleware has returned, so the viewer goes with it."""
    iterator = iter(chunks)
    while True:
        with viewing(viewer):
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk
