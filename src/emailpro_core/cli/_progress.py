"""The progress bar and the summary of ``check-many``, in the user's language.

:class:`~emailpro_core.cli._render.Progress` draws the bar; :class:`SpokenProgress`
writes its words in a language, and :func:`summary` the last line of a run.

>>> from emailpro_core.cli._render import Tally
>>> tally = Tally(clock=lambda: 0.0)
>>> tally.ok, tally.bad_lines = 1, 2
>>> summary(tally, "fr").split("\\xa0: ")[1]
'1 bon, 0 avec avertissements, 0 avec erreurs, 0 sans verdict\\u202f; 2 lignes invalides'
"""

from __future__ import annotations

import attrs

from ..i18n import _catalog
from ._lang import compose, plural, say
from ._render import _BAR_WIDTH, Progress, Tally

MESSAGES = _catalog.register(
    {
        "cli.summary": "{domains} in {elapsed} s ({rate}/s): {ok}, {warning} with "
        "warnings, {error} with errors, {unknown} unknown; {bad_lines}",
        "cli.summary:interrupted": "interrupted after {domains} in {elapsed} s "
        "({rate}/s): {ok}, {warning} with warnings, {error} with errors, {unknown} "
        "unknown; {bad_lines}",
        "cli.summary.domains:one": "{count} domain",
        "cli.summary.domains:many": "{count} domains",
        "cli.summary.ok:one": "{count} ok",
        "cli.summary.ok:many": "{count} ok",
        "cli.summary.bad_lines:one": "{count} bad line",
        "cli.summary.bad_lines:many": "{count} bad lines",
        "cli.progress.counts": "{error} err, {unknown} unk, {rate}/s",
        "cli.progress.bar": "[{bar}] {done}/{total} {percent}%  {counts}",
        "cli.progress.done": "{done} done  {counts}",
    }
)


def summary(tally: Tally, lang: str, /, *, interrupted: bool = False) -> str:
    """The last line of a run, in ``lang`` (as :meth:`Tally.summary` in English)."""
    checked = tally.checked
    return compose(
        "cli.summary:interrupted" if interrupted else "cli.summary",
        lang,
        domains=say(plural("cli.summary.domains", checked, lang), lang, count=checked),
        elapsed=f"{tally.elapsed():.1f}",
        rate=f"{tally.rate():.1f}",
        ok=say(plural("cli.summary.ok", tally.ok, lang), lang, count=tally.ok),
        warning=str(tally.warning),
        error=str(tally.error),
        unknown=str(tally.unknown),
        bad_lines=say(
            plural("cli.summary.bad_lines", tally.bad_lines, lang), lang, count=tally.bad_lines
        ),
    )


@attrs.define
class SpokenProgress(Progress):
    """The progress bar, its words in ``lang``."""

    lang: str = _catalog.DEFAULT_LANGUAGE

    def bar(self) -> str:
        """The text of the bar (without the leading carriage return)."""
        tally = self.tally
        done = tally.done
        counts = say(
            "cli.progress.counts",
            self.lang,
            error=tally.error,
            unknown=tally.unknown,
            rate=f"{tally.rate():.1f}",
        )
        if self.total:
            filled = min(_BAR_WIDTH, _BAR_WIDTH * done // self.total)
            return compose(
                "cli.progress.bar",
                self.lang,
                bar="#" * filled + "-" * (_BAR_WIDTH - filled),
                done=str(done),
                total=str(self.total),
                percent=str(100 * done // self.total),
                counts=counts,
            )
        return compose("cli.progress.done", self.lang, done=str(done), counts=counts)
