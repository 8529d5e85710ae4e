"""The ``--help`` of every command and option, in each language.

The parser is built for one language (``build_parser(lang)``): each command's
``register`` asks :func:`helper` for its descriptions, help strings and group
titles by name (``helper(lang)("check.json")`` is the template
``cli.help.check.json``). Metavars, choices and option names stay as they are.

>>> helper("fr")("check.verbose")
'afficher aussi les enregistrements'
"""

from __future__ import annotations

from collections.abc import Callable

from ..i18n import _catalog
from ._lang import say

_JSON = "as JSON (a versioned document)"

MESSAGES = _catalog.register(
    {
        # The command itself.
        "cli.help.description": "The rules of OVHcloud E-mail Pro: check a domain's DNS, "
        "logins and passwords; print the records a domain needs and the client settings.",
        "cli.help.epilog": "Exit codes: {ok} nothing wrong, {error} something wrong, "
        "{usage} bad usage or input, {unknown} no verdict (DNS failures only), "
        "{stale} propagation: only caches are stale, {disagree} propagation: the servers "
        "disagree, {interrupted} interrupted.",
        "cli.help.version": "show program's version number and exit",
        "cli.help.lang": "the language of the output: {languages} (default: the first of "
        "LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set, else en)",
        # Shared by several commands.
        "cli.help.deadline": "seconds in all",
        "cli.help.color": "colour the table (auto: on a terminal, unless NO_COLOR is set)",
        "cli.help.group.setup": "domain setup",
        "cli.help.setup.server": "the server number of the service (N in proN.mail.ovh.net)",
        "cli.help.setup.token": "the ownership token (the API's cnameToCheck, e.g. ab1cd "
        "or ab1cd-check)",
        "cli.help.setup.dkim_selector": "a DKIM selector (ovhemp<digits>-selector1), with "
        "its exact CNAME target if known; repeat for each selector",
        "cli.help.setup.dkim_enabled": "DKIM signing is (to be) enabled",
        "cli.help.setup.managed": "the zone is managed in the same account as the e-mail service",
        "cli.help.setup.not_managed": "the zone is managed elsewhere (the default): an "
        "ownership CNAME is needed",
        "cli.help.setup.mode": "the domain's mode",
        "cli.help.setup.relay": "the relay target (mxRelay)",
        "cli.help.group.source": "DNS source",
        "cli.help.source.zone": "answer from this zone file, offline (repeat for several zones)",
        "cli.help.source.nameserver": "ask this nameserver (an IP address; repeat for "
        "several, same port)",
        "cli.help.source.resolv_conf": "where to read the system's nameservers (default {path})",
        # check and check-many.
        "cli.help.check": "diagnose one domain's DNS",
        "cli.help.check.description": "Diagnose the DNS of DOMAIN against the records the "
        "service expects. With --ovh-domain, the setup comes from the saved API response "
        "(DOMAIN may be left out, or must be its domain) and the control panel's own flags "
        "get a second opinion, badge by badge. Exit 0: no ERROR; 1: an ERROR; 3: only "
        "UNKNOWN findings (DNS failures) prevent a verdict; 2: bad usage or input.",
        "cli.help.check.json": f"print the diagnosis {_JSON}",
        "cli.help.check.verbose": "show the records too",
        "cli.help.check_many": "diagnose many domains, one JSON line each",
        "cli.help.check_many.description": "Diagnose every domain of FILE (or standard "
        "input for -): one domain, or one JSON setup, per line. Results are JSON lines on "
        "standard output in the order they complete; a bad line gives an error line and "
        "the run goes on.",
        "cli.help.check_many.concurrency": "domains in flight at once (default {default})",
        "cli.help.check_many.deadline": "seconds each domain may take (default {default})",
        "cli.help.check_many.workers": "diagnose in N processes, each asking the "
        "nameservers itself (default 1; not with --zone)",
        "cli.help.check_many.json": "JSON lines (the only form; accepted so that every "
        "command takes --json)",
        "cli.help.check_many.no_progress": "no progress bar, even on a terminal",
        # propagation.
        "cli.help.propagation": "compare the zone's servers with resolvers: is a fix live "
        "everywhere?",
        "cli.help.propagation.description": "Ask each authoritative server of DOMAIN "
        "directly, and each resolver, for the records the service needs; say per record "
        "whether the world sees the zone as it is, and until when a cache serves old data. "
        "Exit 0: in sync; 1: the zone itself is wrong; 3: no verdict; 4: only caches are "
        "stale; 5: the authoritative servers disagree; 2: bad usage.",
        "cli.help.propagation.resolver": "a resolver to compare (repeat for several; "
        "default: those of --resolv-conf)",
        "cli.help.propagation.resolv_conf": "where to read the system's resolvers (default {path})",
        "cli.help.propagation.ns_port": "the port the authoritative servers are asked on "
        "(default 53)",
        "cli.help.propagation.no_ipv6": "do not ask the servers' IPv6 addresses",
        "cli.help.propagation.timeout": "seconds per question",
        "cli.help.propagation.json": "print the report as JSON",
        # login, password, generate-password.
        "cli.help.login": "check an account login, or suggest one",
        "cli.help.login.description": "Check NAME against a login policy (exit 0: valid, "
        "1: not), or suggest a login for a person with --suggest FIRST LAST.",
        "cli.help.login.taken": "a login already in use, which --suggest avoids; repeat for each",
        "cli.help.login.json": f"print the result {_JSON}",
        "cli.help.password": "check a password read from standard input",
        "cli.help.password.description": "Check a password against a policy (exit 0: it "
        "passes, 1: not). The password is read from standard input, or at a prompt that "
        "does not echo it.",
        "cli.help.password.json": f"print the result (never the password) {_JSON}",
        "cli.help.generate": "print random passwords that pass a policy",
        "cli.help.generate.description": "Print random passwords that pass the policy and "
        "avoid the personal data.",
        "cli.help.generate.json": f"print the passwords {_JSON}",
        "cli.help.group.policy": "policy",
        "cli.help.policy.policy": "default (the strict intersection of the sources), guide, "
        "or service (the control panel's rules for --complexity and --min-length)",
        "cli.help.policy.complexity": "the service's complexityEnabled (implies --policy "
        "service; default on)",
        "cli.help.policy.min_length": "the service's minPasswordLength, 0 or 3-14 (implies "
        "--policy service)",
        "cli.help.group.personal": "personal data the password must not contain",
        # records and settings.
        "cli.help.records": "print the DNS records a domain needs",
        "cli.help.records.description": "Print the records DOMAIN needs, ready to paste "
        "into its zone.",
        "cli.help.records.json": f"print the records {_JSON}",
        "cli.help.records.format": "zone (the default) or json, as --json",
        "cli.help.records.no_comments": "zone lines only",
        "cli.help.settings": "print mail-client settings (IMAP, POP3, SMTP, autoconfig)",
        "cli.help.settings.description": "Print the settings of a mail client for the "
        "service on server N.",
        "cli.help.settings.address": "the account's address",
        "cli.help.settings.domain": "the domain (for autoconfig)",
        "cli.help.settings.format": "text (the default), json, or a Thunderbird autoconfig "
        "document",
        "cli.help.settings.json": "print the settings as JSON, as --format json",
        # example.
        "cli.help.example": "write an example zone to try the other commands on",
        "cli.help.example.description": "Print the example zone of DOMAIN (one of "
        "{domains}; default {default}), or write it to FILE. mydomain.ovh is half right, "
        "example.org is ready for E-mail Pro.",
        "cli.help.example.output": "write the zone to FILE ('-': standard output)",
        "cli.help.example.force": "replace FILE if it exists",
    }
)


def helper(lang: str, /) -> Callable[..., str]:
    """What gives the help text ``cli.help.NAME`` in ``lang``: ``text(NAME, **params)``."""

    def text(name: str, /, **params: object) -> str:
        return say(f"cli.help.{name}", lang, **params)

    return text
