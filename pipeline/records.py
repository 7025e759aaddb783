"""Records that cross processes and the lint cache by the thousand."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def fast_pickle(cls: type[T]) -> type[T]:
    """Class decorator for a frozen dataclass: unpickle through the constructor.

    The default for a frozen slotted dataclass (__setstate__, looking its fields up again
    for every object) costs several times more; a warm run unpickles every cached post.
    """
    names = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]

    def __reduce__(self: Any) -> tuple[Any, ...]:
        return (cls, tuple(getattr(self, name) for name in names))

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls
