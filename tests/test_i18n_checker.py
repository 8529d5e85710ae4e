"""The checker's findings in every language: the example zone in French, and any zone.

The English of every finding is pinned by the checker's own tests; here the
French of the example zone is pinned word for word, and for any broken zone every
finding renders in both languages with the same codes, params and statuses.
"""

from __future__ import annotations

import json
import pickle
import re
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from emailpro_core import DomainSetup, ZoneSource, check_domain
from emailpro_core.checker import Check, Diagnosis, Finding, FixAction, FixLine, Status
from emailpro_core.checker._make import finding, revised
from emailpro_core.checker._phrases import Listing, Phrase, phrase
from emailpro_core.errors import Violation
from emailpro_core.examples import example_zone
from emailpro_core.i18n import LANGUAGES, _catalog
from emailpro_core.i18n._catalog import Said
from emailpro_core.spf import parse_spf
from emailpro_core.spf._details import problems, said
from fix_loop import BrokenZone, broken_zones, diagnose

NBSP = "\u00a0"
NNBSP = "\u202f"

MYDOMAIN = check_domain(
    DomainSetup("mydomain.ovh", server_number=1),
    ZoneSource.from_text(example_zone("mydomain.ovh")),
)

# The example zone's findings in French, with their fix reasons: code → (message, reason).
# Text that other parts of the package write (a source's detail, a missing setting)
# is quoted as they word it.
FRENCH = {
    "domain.ok": ("mydomain.ovh. existe et répond", ""),
    "mx.foreign": (
        f"mydomain.ovh. a aussi des champs MX vers mail.old-host.example.{NBSP}: les "
        "expéditeurs choisissent parmi tous les hôtes MX, donc une partie du courrier "
        f"contourne le fournisseur{NNBSP}; supprimez-les",
        "",
    ),
    "dns.outside_zone": (
        f"l’adresse de l’hôte MX mail.old-host.example{NBSP}: non vérifié, "
        "mail.old-host.example. A n’est pas parmi les enregistrements que cette source "
        f"détient{NBSP}: mail.old-host.example est hors de la zone DNS mydomain.ovh",
        f"le nom n’est pas dans cette zone DNS, donc rien ici n’est connu comme faux{NBSP}: "
        "donnez à la zone une source de repli pour ce nom, ou vérifiez en ligne",
    ),
    "spf.multiple_records": (
        f"mydomain.ovh. a 2 enregistrements SPF{NBSP}: les destinataires le traitent comme "
        f"une erreur (permerror, RFC 7208 §4.5){NNBSP}; fusionnez-les en un seul",
        "",
    ),
    "srv.ok": (
        "_autodiscover._tcp.mydomain.ovh. mène les logiciels de messagerie à l’hôte du service",
        "",
    ),
    "autodiscover.shadowed": (
        f"autodiscover.mydomain.ovh. existe et ne mène pas à l’hôte du service{NBSP}: les "
        "logiciels de messagerie l’essaient avant l’enregistrement SRV et n’obtiennent aucun "
        f"paramètre ou de mauvais{NNBSP}; supprimez-le",
        "",
    ),
    "ownership.token_unknown": (
        f"non vérifié{NBSP}: la zone DNS n’est pas gérée dans le même compte, un "
        "enregistrement CNAME de validation <token>-check.mydomain.ovh. -> ovh.com. est donc "
        f"nécessaire{NNBSP}; indiquez le cnameToCheck de l’API",
        f"le nom de l’enregistrement est construit à partir du jeton{NBSP}: donnez "
        "ownership_token (le cnameToCheck de l’API)",
    ),
    "dkim.no_selectors": (
        f"non vérifié{NBSP}: aucun sélecteur DKIM n’est indiqué{NNBSP}; listez les sélecteurs "
        "du domaine (API dkimSelector) pour obtenir leurs CNAME (ovhemp<digits>-selector1/2)",
        f"les sélecteurs DKIM viennent du service{NBSP}: donnez dkim_selectors",
    ),
    "dmarc.ok": ("_dmarc.mydomain.ovh. a une politique DMARC quarantine", ""),
}


def test_the_example_zone_in_french() -> None:
    """Every finding of the example zone, and why it has no fix, in French, exactly."""
    rendered = {f.code: (f.render("fr"), f.render_fix_reason("fr")) for f in MYDOMAIN.findings}
    assert rendered == FRENCH


def test_the_example_zone_in_english_is_the_message() -> None:
    """English (the default, or asked for) is the message and fix reason as they are."""
    for found in MYDOMAIN.findings:
        assert found.render() == found.render("en") == found.message
        assert found.render_fix_reason("en_GB.UTF-8") == found.fix_reason


def test_diagnosis_text_in_french() -> None:
    """The text rendering: headings and codes as they are, messages and actions in French."""
    text = MYDOMAIN.to_text("fr")
    assert text.splitlines()[0] == "mydomain.ovh: ERROR"
    assert f"  dmarc        OK       dmarc.ok: {FRENCH['dmarc.ok'][0]}" in text.splitlines()
    assert MYDOMAIN.to_text() == MYDOMAIN.to_text("en")
    assert MYDOMAIN.fix_text("fr").splitlines()[0] == (
        "supprimer mydomain.ovh. 3600 IN MX 10 mail.old-host.example."
    )


@pytest.mark.parametrize(
    ("fix", "english", "french"),
    [
        (FixLine(FixAction.ADD, "a. 1 IN A 192.0.2.1"), "add     a. 1 IN A 192.0.2.1", None),
        (FixLine(FixAction.REMOVE, "a. 1 IN A 192.0.2.1"), "remove  a. 1 IN A 192.0.2.1", None),
        (
            FixLine(FixAction.REPLACE, "new", "old"),
            "replace old\n   with new",
            "remplacer old\n      par new",
        ),
    ],
)
def test_fix_line_labels(fix: FixLine, english: str, french: str | None) -> None:
    """The action is a word of the language; the zone line is the same."""
    assert fix.to_text() == english
    assert fix.to_text("fr") != english
    if french is not None:
        assert fix.to_text("fr") == french


def test_no_fix_label_in_french() -> None:
    """``no fix:`` is said in the language, before the reason in that language."""
    (found,) = MYDOMAIN.of(Check.DKIM)
    assert found.to_text("fr").splitlines()[1] == (
        f"  pas de correction{NBSP}: {FRENCH['dkim.no_selectors'][1]}"
    )
    assert found.to_text().splitlines()[1] == f"  no fix: {found.fix_reason}"


def test_json_round_trip_keeps_params_variant_and_reason_key() -> None:
    """to_dict/from_dict and pickle keep the new fields, phrases and violations inside."""
    problem = Violation("dmarc.unknown_tag", "unknown tag x=", {"tag": "x"}, variant="v")
    made = finding(
        Check.DMARC,
        Status.WARNING,
        "dmarc.unknown_tag",
        "_dmarc.example.org.",
        {"name": "_dmarc.example.org.", "problem": problem},
        variant="dmarc.warning",
        reason="checker.reason.dmarc_as_is",
    )
    listed = finding(
        Check.AUTODISCOVER,
        Status.ERROR,
        "srv.wrong_target",
        "_autodiscover._tcp.example.org.",
        {
            "name": "_autodiscover._tcp.example.org.",
            "targets": Listing(("x.", phrase("checker.srv_target", target="y.", number=2))),
            "host": "pro1.mail.ovh.net.",
            "hosts": ("a.", "b."),
        },
    )
    assert made.message == "the DMARC record at _dmarc.example.org.: unknown tag x="
    assert listed.message == (
        "the SRV record _autodiscover._tcp.example.org. points to x., y. (server 2) "
        "instead of pro1.mail.ovh.net.: mail clients get wrong settings"
    )
    for found in (made, listed, *MYDOMAIN.findings):
        data = json.loads(json.dumps(found.to_dict()))
        back = Finding.from_dict(data)
        assert (back, dict(back.params)) == (found, dict(found.params))
        assert (back.variant, back.fix_reason_key) == (found.variant, found.fix_reason_key)
        assert back.render("fr") == found.render("fr")
        again = pickle.loads(pickle.dumps(found))
        assert (again, dict(again.params), again.variant) == (
            found,
            dict(found.params),
            found.variant,
        )
        assert again.render("fr") == found.render("fr")
    assert made.to_dict("fr")["params"] == made.to_dict()["params"]
    assert made.to_dict("fr")["fix_reason"] == made.render_fix_reason("fr")


def test_diagnosis_json_in_french() -> None:
    """A diagnosis in French JSON: the messages in French, everything else the same."""
    english, french = MYDOMAIN.to_dict(), json.loads(MYDOMAIN.to_json(lang="fr"))
    assert [f["code"] for f in french["findings"]] == list(MYDOMAIN.codes)
    assert [f["message"] for f in french["findings"]] == [f.render("fr") for f in MYDOMAIN.findings]
    strip = ("message", "fix_reason")
    assert [{k: v for k, v in f.items() if k not in strip} for f in french["findings"]] == [
        {k: v for k, v in f.items() if k not in strip}
        for f in english["findings"]  # type: ignore[attr-defined]
    ]
    assert Diagnosis.from_json(MYDOMAIN.to_json()) == MYDOMAIN


def test_a_finding_written_by_hand_keeps_its_words() -> None:
    """A registered code with a message of one's own is not replaced by the template."""
    mine = Finding(Check.MX, Status.OK, "mx.ok", "the MX records are right", "example.org.")
    assert mine.render("fr") == "the MX records are right"
    other = Finding(Check.MX, Status.OK, "my.code", "my words", "x.", fix_reason="why")
    assert (other.render("fr"), other.render_fix_reason("fr")) == ("my words", "why")
    with pytest.raises(ValueError, match="unsupported language"):
        other.render("de")


def test_a_bad_mapping_in_params_is_a_clear_error() -> None:
    """from_dict refuses a nested mapping that is neither a phrase, a listing nor a violation."""
    data = MYDOMAIN.findings[0].to_dict()
    data["params"] = {"x": {"what": 1}}
    with pytest.raises(ValueError, match="a mapping in params"):
        Finding.from_dict(data)
    data["params"] = {"x": {"key": "checker.what.mx", "params": [1]}}
    with pytest.raises(ValueError, match="params of a nested message"):
        Finding.from_dict(data)


def test_revised_keeps_and_adds_params() -> None:
    """A revised finding is rendered again from its template with the params added."""
    base = finding(
        Check.SPF, Status.ERROR, "spf.too_many_lookups", "a.", {"name": "a.", "detail": "d"}
    )
    done = revised(base, variant="drop_one", params={"dropped": "a:x"})
    assert done.message == (
        "the SPF record of a. needs too many DNS-querying terms (permerror): d; to be within "
        "the limits, drop a:x (or flatten it into the ip4:/ip6: networks it stands for)"
    )
    assert dict(done.params) == {"name": "a.", "detail": "d", "dropped": "a:x"}
    assert revised(done) == done


def _holes(found: Finding, text: str) -> list[str]:
    """The placeholders of the finding's template left unfilled in ``text``.

    Data may hold braces (a name written ``mail.{d}.``): a placeholder counts as a
    hole only when the params do not hold it.
    """
    template = _catalog.registered_template(found.key) or ""
    names = {field for _, field, _, _ in string.Formatter().parse(template) if field}
    data = repr(dict(found.params))
    return [n for n in names if "{" + n + "}" in text and "{" + n + "}" not in data]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_zones())
def test_every_finding_renders_in_every_language(zone: BrokenZone) -> None:
    """Any broken zone: each finding renders in fr and en, fr differs, the data does not."""
    diagnosis = diagnose(zone, zone.zone)
    french = Diagnosis.from_dict(json.loads(diagnosis.to_json(lang="fr")))
    assert french.codes == diagnosis.codes
    for found, read in zip(diagnosis.findings, french.findings, strict=True):
        assert (read.status, read.cause, dict(read.params)) == (
            found.status,
            found.cause,
            dict(found.params),
        )
        texts = {language: found.render(language) for language in LANGUAGES}
        assert texts["en"] == found.message
        assert texts["fr"] != texts["en"]
        assert read.message == texts["fr"]
        for language, text in texts.items():
            assert _holes(found, text) == [], (language, text)
            assert text.replace(NBSP, " ").replace(NNBSP, " ").isprintable()
        if found.fix_reason:
            assert found.render_fix_reason("fr") != found.fix_reason
        assert _catalog.registered_template(found.key) is not None


def test_the_command_table_in_french() -> None:
    """The check command's table: English by default, the messages and fixes in French on ask."""
    from emailpro_core.cli._render import diagnosis_table

    english = diagnosis_table(MYDOMAIN, color=False)
    assert diagnosis_table(MYDOMAIN, color=False, lang="en") == english
    french = diagnosis_table(MYDOMAIN, color=False, lang="fr")
    assert english[0] == "mydomain.ovh: ERROR (3 ok, 1 warning, 2 errors, 3 skipped)"
    assert french[0] == (
        f"mydomain.ovh{NBSP}: ERROR (3 corrects, 1 avertissement, 2 erreurs, 3 non vérifiés)"
    )
    assert any(FRENCH["spf.multiple_records"][0] in line for line in french)
    assert any(
        line.strip().startswith(f"correctif{NBSP}: supprimer mydomain.ovh.") for line in french
    )
    unknown = finding(
        Check.MX,
        Status.UNKNOWN,
        "dns.unknown",
        "a.",
        {"deadline": 1.0, "cause": "deadline"},
        variant="deadline",
        cause="deadline",
        reason="checker.reason.deadline",
    )
    rows = diagnosis_table(Diagnosis("a", (unknown,)), color=False, lang="fr")
    assert rows[-1].strip() == (
        f"pas de correction{NBSP}: la vérification n’a pas abouti, donc rien n’est connu "
        f"comme faux{NBSP}: réessayez avec un délai plus long"
    )


def test_phrases_and_listings_read_as_english() -> None:
    """str() of a phrase or a listing is its English, as the findings' messages use it."""
    listed = Listing(("a.", phrase("checker.srv_target", target="b.", number=3)))
    assert str(listed) == "a., b. (server 3)"
    assert listed.render("fr") == "a., b. (serveur 3)"
    assert str(phrase("checker.what.mx")) == "the MX records"


def test_a_refused_domain_quotes_any_error() -> None:
    """An error the checker has no words for is quoted as its text, in every language."""
    from emailpro_core.checker._bulk import _refused

    refused = _refused(DomainSetup("example.org"), "setup.invalid", ValueError("odd"))
    (found,) = refused.findings
    assert (found.message, found.render("fr")) == ("not checked: odd", f"non vérifié{NBSP}: odd")


def test_a_source_detail_is_said_in_the_language() -> None:
    """A detail a source writes keeps its key: French in French, back from JSON too."""
    from emailpro_core.checker._phrases import from_json, to_json
    from emailpro_core.i18n._catalog import Said

    detail = Said("sources.outside_zone", {"name": "a.example", "zone": "b.example"})
    assert detail == "a.example is outside the zone b.example"
    assert detail.render("fr") == "a.example est hors de la zone DNS b.example"
    back = from_json(json.loads(json.dumps(to_json(detail))))
    assert isinstance(back, Said)
    assert (back, back.render("fr")) == (detail, detail.render("fr"))
    assert pickle.loads(pickle.dumps(detail)).render("fr") == detail.render("fr")
    with pytest.raises(ValueError, match="no message is registered"):
        from_json({"key": "no.such", "params": {}, "text": True})


# English words that no French sentence of the checker holds (data, such as a name,
# never holds a space).
_ENGLISH = re.compile(r" (the|is|are|not|with|which|does|has|have|must|would|found) ")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_zones())
def test_no_english_sentence_inside_a_french_finding(broken: BrokenZone) -> None:
    """What the checker quotes (an SPF evaluation's detail, a source's) is French too."""
    for found in diagnose(broken, broken.zone).findings:
        french = f"{found.render('fr')} {found.render_fix_reason('fr')}"
        assert _ENGLISH.search(french) is None, (found.code, french)


@pytest.mark.parametrize(
    ("detail", "french"),
    [
        (
            said("too_many_lookups", term="mx:h10.example.org", number=11, limit=10),
            "mx:h10.example.org serait le terme interrogeant le DNS n°\u00a011\u202f; "
            "la limite est 10 (RFC 7208 §4.6.4)",
        ),
        (
            said(
                "inside",
                term="include:a.example",
                domain="b.example",
                detail=said("no_record", domain="a.example"),
            ),
            "include:a.example dans b.example\u00a0: a.example n’a pas d’enregistrement SPF",
        ),
        (
            said(
                "invalid", domain="a.example", problems=problems(parse_spf("v=spf1 x").violations)
            ),
            "l’enregistrement SPF de a.example est invalide\u00a0: "
            + parse_spf("v=spf1 x").violations[0].render("fr"),
        ),
    ],
)
def test_spf_details_in_french(detail: Said, french: str) -> None:
    """The evaluator's details read as English strings and say themselves in French."""
    assert detail.render("fr") == french
    assert detail == detail.render("en")


def test_many_phrases_of_one_key_render_in_linear_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Phrases differing only by their params are not compared with one another.

    A phrase hashes by its key alone: kept by phrase, the English of 1,000
    phrases of one key (a bulk run where every lookup fails names each domain)
    would share a hash, each rendering comparing against all those kept.
    """
    from emailpro_core.checker import _phrases

    # Start from an empty memo (whatever function keeps it).
    memo: Any = getattr(_phrases, "_english_of", _phrases._english)
    memo.cache_clear()
    compared = [0]
    original = Phrase.__eq__

    def counting(self: Phrase, other: object) -> bool:
        compared[0] += 1
        return bool(original(self, other))

    monkeypatch.setattr(Phrase, "__eq__", counting)
    said = [phrase("checker.srv_target", target=f"h{n}.example.", number=n) for n in range(1000)]
    for _ in range(2):
        assert [p.render() for p in said] == [f"h{n}.example. (server {n})" for n in range(1000)]
    assert compared[0] == 0


def test_a_phrase_with_an_unhashable_param_still_renders() -> None:
    """A param that cannot be kept as a key is rendered each time, the same way."""
    said = phrase("checker.srv_target", target=["b."], number=3)  # a list: unhashable
    assert str(said) == str(said) == "['b.'] (server 3)"
