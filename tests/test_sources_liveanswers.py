"""Example tables for the mapping of dnspython outcomes to answers (no network)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import dns.exception
import dns.message
import dns.resolver
import pytest

from emailpro_core.sources._answers import AnswerStatus, FailureCause, Query
from emailpro_core.sources._liveanswers import answer_from_error

E = TypeVar("E", bound=BaseException)
QUERY = Query("example.test", "A")
REQUEST = dns.message.make_query("example.test.", "A")


def make(cls: Callable[..., E], /, **kwargs: object) -> E:
    """An exception of an untyped dnspython class."""
    return cls(**kwargs)


def failed(*errors: object) -> dns.resolver.NoNameservers:
    """A NoNameservers carrying one error per server, as dnspython builds it."""
    return make(
        dns.resolver.NoNameservers,
        request=REQUEST,
        errors=[("127.0.0.1", False, 53, error, None) for error in errors],
    )


@pytest.mark.parametrize(
    ("errors", "cause"),
    [
        ((), FailureCause.NO_NAMESERVER),
        (("SERVFAIL",), FailureCause.SERVFAIL),
        (("REFUSED",), FailureCause.REFUSED),
        (("NOTIMP",), FailureCause.OTHER),
        ((make(dns.exception.Timeout),), FailureCause.TIMEOUT),
        ((make(dns.exception.FormError),), FailureCause.MALFORMED),
        ((EOFError(),), FailureCause.MALFORMED),
        ((make(dns.message.ChainTooLong),), FailureCause.CNAME_LOOP),
        ((ConnectionRefusedError(),), FailureCause.NO_NAMESERVER),
        ((NotImplementedError(),), FailureCause.OTHER),
        ((make(dns.message.Truncated),), FailureCause.NO_NAMESERVER),
        ((make(dns.message.Truncated), ConnectionRefusedError()), FailureCause.NO_NAMESERVER),
        ((make(dns.message.Truncated), EOFError()), FailureCause.MALFORMED),
        (("REFUSED", "SERVFAIL"), FailureCause.SERVFAIL),
        ((make(dns.exception.Timeout), "REFUSED"), FailureCause.REFUSED),
        ((ConnectionRefusedError(), make(dns.exception.Timeout)), FailureCause.TIMEOUT),
        ((EOFError(), make(dns.exception.Timeout)), FailureCause.MALFORMED),
        ((NotImplementedError(), ConnectionRefusedError()), FailureCause.OTHER),
    ],
)
def test_no_nameservers_cause(errors: tuple[object, ...], cause: FailureCause) -> None:
    """The errors inside NoNameservers give the cause, by the documented precedence."""
    answer = answer_from_error(QUERY, failed(*errors))
    assert (AnswerStatus.FAILURE, cause) == (answer.status, answer.cause)
    assert answer.detail


@pytest.mark.parametrize(
    ("exc", "status", "cause"),
    [
        (make(dns.resolver.NXDOMAIN), AnswerStatus.NXDOMAIN, None),
        (make(dns.resolver.NoAnswer), AnswerStatus.NODATA, None),
        (
            make(dns.resolver.LifetimeTimeout, timeout=1.0, errors=[]),
            AnswerStatus.FAILURE,
            FailureCause.TIMEOUT,
        ),
        (make(dns.resolver.YXDOMAIN), AnswerStatus.FAILURE, FailureCause.OTHER),
        (make(dns.resolver.NoMetaqueries), AnswerStatus.FAILURE, FailureCause.OTHER),
        (OSError("network is unreachable"), AnswerStatus.FAILURE, FailureCause.OTHER),
    ],
)
def test_exceptions(exc: BaseException, status: AnswerStatus, cause: FailureCause | None) -> None:
    """Each dnspython exception maps to its status; negatives without a response have TTL 0."""
    answer = answer_from_error(QUERY, exc)
    assert (status, cause, (), "example.test") == (
        answer.status,
        answer.cause,
        answer.records,
        answer.canonical_name,
    )
    if status is not AnswerStatus.FAILURE:
        assert answer.ttl == 0
