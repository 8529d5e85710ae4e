"""Rules: ``check_login`` and ``check_password`` against a bare regex and email-validator.

Run: ``/tmp/benchenv/bin/python benchmarks/bench_rules.py`` (``--count``, ``--repeat``).

Inputs (deterministic, ``--seed``): ``--count`` logins and as many passwords, in two
sets each: all valid, and mixed (``--invalid-share`` of them broken in one of
several ways). Every method runs over the same list in the same plain ``for``
loop, so the loop's own cost is in every number:

* the floor: a bare compiled regex for the same rule (``fullmatch``), with no
  error reporting at all;
* ``check_login`` / ``check_password`` (every violation, with codes and messages);
* ``email_validator.validate_email(login + "@example.com",
  check_deliverability=False)``, the usual library for addresses (it checks
  the domain part too, and raises for an invalid address).
"""

from __future__ import annotations

import argparse
import random
import re
import string
from collections.abc import Callable, Sequence

from harness import (
    Result,
    add_common_options,
    measure,
    print_environment,
    rate_table,
    save_results,
)

from emailpro_core.naming import check_login
from emailpro_core.password._password import check_password

#: The floor for the default login rule (LoginPolicy.default(); D-EP1 ∩ M-ACC):
#: letters, digits, ``-`` ``_``, with ``.`` only between two of them. It leaves
#: out the 2–32 length bound (a look-ahead for it makes the regex slower than
#: ``check_login`` itself), so it does strictly less work than the rule.
LOGIN_RX = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*")
#: The default password rule as one regex: 9–30 printable ASCII without space,
#: with an upper-case letter, a lower-case letter and a digit (D-EP1 body and box).
PASSWORD_RX = re.compile(r"(?=[^a-z]*[a-z])(?=[^A-Z]*[A-Z])(?=[^0-9]*[0-9])[!-~]{9,30}")

_LOGIN_CHARS = string.ascii_lowercase + string.digits + "-_"
_PASSWORD_CHARS = "".join(chr(c) for c in range(0x21, 0x7F))


def _login(rng: random.Random) -> str:
    parts = [
        "".join(rng.choice(_LOGIN_CHARS) for _ in range(rng.randint(1, 8)))
        for _ in range(rng.randint(1, 3))
    ]
    login = ".".join(parts)
    while len(login) < 2:
        login += rng.choice(string.ascii_lowercase)
    return login[:32].rstrip(".")


def _broken_login(rng: random.Random) -> str:
    login = _login(rng)
    how = rng.randrange(6)
    if how == 0:
        return "é" + login  # accented
    if how == 1:
        return "." + login  # leading separator
    if how == 2:
        return login + "..x"  # doubled separator
    if how == 3:
        return (login * 8)[:40] + "x"  # too long
    if how == 4:
        return login + ",x"  # comma
    return "x"  # too short


def _password(rng: random.Random) -> str:
    size = rng.randint(9, 30)
    chars = [rng.choice(string.ascii_uppercase), rng.choice(string.ascii_lowercase)]
    chars.append(rng.choice(string.digits))
    chars += [rng.choice(_PASSWORD_CHARS) for _ in range(size - 3)]
    rng.shuffle(chars)
    return "".join(chars)


def _broken_password(rng: random.Random) -> str:
    password = _password(rng)
    how = rng.randrange(4)
    if how == 0:
        return password[:6]  # too short
    if how == 1:
        return password.translate(str.maketrans("", "", string.digits)) + "Aa"  # no digit
    if how == 2:
        return password[:5] + " " + password[5:]  # whitespace
    return password + "é"  # accented


def inputs(
    count: int,
    make: Callable[[random.Random], str],
    broken: Callable[[random.Random], str],
    *,
    share: float,
    seed: int,
) -> list[str]:
    """``count`` values from ``make``, a ``share`` of them from ``broken`` instead."""
    rng = random.Random(seed)
    return [broken(rng) if rng.random() < share else make(rng) for _ in range(count)]


def _over(check: Callable[[str], object], values: Sequence[str]) -> Callable[[], None]:
    def run() -> None:
        for value in values:
            check(value)

    return run


def _email_validator() -> Callable[[str], object] | None:
    try:
        from email_validator import EmailNotValidError, validate_email
    except ImportError:  # pragma: no cover - the bench group is not installed
        return None

    def check(login: str) -> object:
        try:
            return validate_email(login + "@example.com", check_deliverability=False)
        except EmailNotValidError as exc:
            return exc

    return check


def bench_logins(values: Sequence[str], label: str, repeat: int) -> list[Result]:
    """The login methods over ``values``."""
    n = len(values)
    results = [
        measure(
            f"bare login regex ({label})",
            n,
            _over(LOGIN_RX.fullmatch, values),
            repeat=repeat,
            note="floor: match only",
        ),
        measure(
            f"check_login ({label})",
            n,
            _over(check_login, values),
            repeat=repeat,
            note="every violation",
        ),
    ]
    validator = _email_validator()
    if validator is not None:
        results.append(
            measure(
                f"email-validator ({label})",
                n,
                _over(validator, values),
                repeat=repeat,
                note="validate_email(login@example.com, check_deliverability=False)",
            )
        )
    return results


def bench_passwords(values: Sequence[str], label: str, repeat: int) -> list[Result]:
    """The password methods over ``values``."""
    n = len(values)
    return [
        measure(
            f"bare password regex ({label})",
            n,
            _over(PASSWORD_RX.fullmatch, values),
            repeat=repeat,
            note="floor: match only",
        ),
        measure(
            f"check_password ({label})",
            n,
            _over(check_password, values),
            repeat=repeat,
            note="default policy, no personal data",
        ),
    ]


def _verdict(ok: bool, text: str) -> str:
    return f"- {'PASS' if ok else 'FAIL'}: {text}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the rules benchmark; print the tables and the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="inputs per set")
    parser.add_argument(
        "--invalid-share", type=float, default=0.2, help="broken share of the mixed sets"
    )
    parser.add_argument("--seed", type=int, default=8)
    add_common_options(parser)
    args = parser.parse_args(argv)

    share = args.invalid_share
    valid_logins = inputs(args.count, _login, _broken_login, share=0.0, seed=args.seed)
    mixed_logins = inputs(args.count, _login, _broken_login, share=share, seed=args.seed + 1)
    valid_passwords = inputs(args.count, _password, _broken_password, share=0.0, seed=args.seed + 2)
    mixed_passwords = inputs(
        args.count, _password, _broken_password, share=share, seed=args.seed + 3
    )
    # The floors must agree with the library on what is valid, or the comparison is unfair.
    for login in valid_logins + mixed_logins:
        floor_ok = LOGIN_RX.fullmatch(login) is not None and 2 <= len(login) <= 32
        assert floor_ok == (not check_login(login)), login
    for password in valid_passwords + mixed_passwords:
        floor_ok = PASSWORD_RX.fullmatch(password) is not None
        assert floor_ok == (not check_password(password))

    print(f"# Rules: {args.count:,} inputs per set, median of {args.repeat}\n")
    print_environment()
    logins = bench_logins(valid_logins, "valid", args.repeat)
    logins += bench_logins(mixed_logins, f"{share:.0%} invalid", args.repeat)
    passwords = bench_passwords(valid_passwords, "valid", args.repeat)
    passwords += bench_passwords(mixed_passwords, f"{share:.0%} invalid", args.repeat)

    # The floor's verdicts agree with the library's on every input (checked above).
    for title, results, unit, bases in (
        (
            "Logins, all valid",
            logins[:3],
            "logins",
            ["bare login regex (valid)", "email-validator (valid)"],
        ),
        (
            f"Logins, {share:.0%} invalid",
            logins[3:],
            "logins",
            [f"bare login regex ({share:.0%} invalid)", f"email-validator ({share:.0%} invalid)"],
        ),
        ("Passwords, all valid", passwords[:2], "passwords", ["bare password regex (valid)"]),
        (
            f"Passwords, {share:.0%} invalid",
            passwords[2:],
            "passwords",
            [f"bare password regex ({share:.0%} invalid)"],
        ),
    ):
        print(f"\n## {title}\n")
        print(rate_table(results, unit=unit, baselines=bases, per_item=True))

    by = {r.name: r for r in logins + passwords}
    print("\n## Targets\n")
    for label in ("valid", f"{share:.0%} invalid"):
        checker, floor = by[f"check_login ({label})"], by[f"bare login regex ({label})"]
        slower = floor.rate / checker.rate
        print(
            _verdict(
                slower <= 3, f"check_login ({label}) is {slower:.2f}× the bare regex's time (≤ 3×)"
            )
        )
        validator = by.get(f"email-validator ({label})")
        if validator is not None:
            faster = checker.rate / validator.rate
            print(
                _verdict(
                    faster >= 20, f"check_login ({label}) is {faster:.1f}× email-validator (≥ 20×)"
                )
            )
        passwords_checked = by[f"check_password ({label})"]
        print(
            _verdict(
                passwords_checked.rate >= 200_000,
                f"check_password ({label}): {passwords_checked.rate:,.0f}/s (≥ 200,000/s)",
            )
        )
    save_results(args.json, "rules", logins + passwords)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
