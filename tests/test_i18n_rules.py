"""The rules' violations and the exceptions, in French: one table per part.

Each row is a value the library makes, its key in the catalog, and the exact
French it renders; the English message is pinned by each part's own tests.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from emailpro_core._violation import templated
from emailpro_core.dkim import parse_dkim_key
from emailpro_core.dmarc import parse_dmarc
from emailpro_core.domains import check_domain_name
from emailpro_core.errors import (
    AuthoritativeDomainDetected,
    DomainOutsideZone,
    InvalidLogin,
    InvalidSetup,
    SourceDataError,
    ValidationError,
    Violation,
    ZoneFileError,
)
from emailpro_core.examples import example_zone
from emailpro_core.i18n import _catalog
from emailpro_core.naming import (
    check_display_name,
    check_first_name,
    check_last_name,
    check_service_name,
    parse_address,
)
from emailpro_core.password import (
    CharacterClass,
    CharacterSet,
    PasswordPolicy,
    PersonalInfo,
    check_password,
)
from emailpro_core.records import DomainSetup, autoconfig_xml, check_setup
from emailpro_core.records._profiles import check_server_number
from emailpro_core.routing import (
    DomainMode,
    Platform,
    Topology,
    check_relay_target,
)
from emailpro_core.sources import StaticSource, ZoneSource
from emailpro_core.sources._inputfiles import InputFileError, read_at_most
from emailpro_core.spf import merge_spf, parse_spf
from emailpro_core.spf._macros import parse_macro_string

NBSP, NNBSP = "\u00a0", "\u202f"
PRO = Platform("emailpro-zz1111111-1", hosts="pro1.mail.ovh.net")


def q(text: str) -> str:
    """``text`` in French guillemets."""
    return f"«{NBSP}{text}{NBSP}»"


def only(found: tuple[Violation, ...], key: str) -> Violation:
    (violation,) = [v for v in found if v.key == key]
    return violation


def raised(action: Callable[[], object]) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        action()
    return caught.value


# --- domains ---------------------------------------------------------------------

DOMAINS = [
    ("", "domain.empty", "le nom de domaine est vide"),
    ("a" * 1100, "domain.too_long:input", "le nom de domaine dépasse 253 caractères"),
    ("192.0.2.1", "domain.ip_literal", "une adresse IP n’est pas un nom de domaine"),
    ("localhost", "domain.single_label", "un nom de domaine compte au moins deux étiquettes"),
    (
        "ok.a_b.example",
        "domain.invalid_character",
        f"l’étiquette 2 contient {q('_')}{NNBSP}; seuls les lettres, les chiffres et les "
        "tirets sont autorisés",
    ),
    ("-a.org", "domain.hyphen_start", "une étiquette ne peut pas commencer par un tiret"),
    ("a-.org", "domain.hyphen_end", "une étiquette ne peut pas finir par un tiret"),
    (
        "ab--c.org",
        "domain.reserved_hyphens",
        "les tirets en troisième et quatrième positions sont réservés aux A-labels",
    ),
    ("a..org", "domain.empty_label", "le nom a une étiquette vide (deux points à la suite)"),
    (
        "a" * 70 + ".org",
        "domain.label_too_long",
        f"l’étiquette 1 compte 70 octets{NNBSP}; la limite est 63",
    ),
    (
        ".".join(["a" * 60] * 5),
        "domain.too_long",
        f"le nom compte 304 octets{NNBSP}; la limite est 253",
    ),
    (
        "a.123",
        "domain.numeric_tld",
        "l’étiquette de premier niveau ne peut pas être composée que de chiffres",
    ),
]


@pytest.mark.parametrize(("text", "key", "french"), DOMAINS)
def test_domain_rules_in_french(text: str, key: str, french: str) -> None:
    assert only(check_domain_name(text), key).render("fr") == french


def test_domain_idna_reasons_stay_in_the_library_words() -> None:
    # The reason is the idna package's own English; the sentence around it is French.
    bad = only(check_domain_name("xn--a.org"), "domain.idna_invalid:alabel")
    assert bad.render("fr") == f"A-label invalide{NBSP}: {bad.params['reason']}"
    bidi = check_domain_name("0à.א.org")
    assert bidi[0].key == "domain.idna_invalid:bidi"
    assert bidi[0].render("fr").startswith("l’étiquette 1 enfreint la règle Bidi")


# --- naming ----------------------------------------------------------------------

NAMES = [
    (
        lambda: check_service_name(""),
        "service_name.empty",
        "le nom du service est vide",
    ),
    (
        lambda: check_service_name("hosted-zz1-1"),
        "service_name.wrong_prefix",
        f"le nom d’un service E-mail Pro commence par {q('emailpro-')}",
    ),
    (
        lambda: check_service_name("emailpro-Z1-1"),
        "service_name.malformed_nic_part",
        "la partie centrale se compose de deux lettres minuscules et des chiffres de "
        "l’identifiant client (NIC handle) (zz1111111)",
    ),
    (
        lambda: check_service_name("emailpro-zz1"),
        "service_name.missing_index",
        f"le nom finit par un numéro{NBSP}: -1, -2, …",
    ),
    (
        lambda: check_service_name("emailpro-zz1-x"),
        "service_name.invalid_index:not_a_number",
        f"l’indice {q('x')} n’est pas un nombre",
    ),
    (
        lambda: check_service_name("emailpro-zz1-01"),
        "service_name.invalid_index",
        "l’indice n’a pas de zéro en tête et compte au plus 9 chiffres",
    ),
    (
        lambda: check_service_name("emailpro-zz1-0"),
        "service_name.zero_index",
        "les numéros de service commencent à 1",
    ),
    (
        lambda: check_first_name(" ", required=True),
        "name.empty:first_name",
        "le prénom est obligatoire",
    ),
    (
        lambda: check_last_name("x" * 70),
        "name.too_long:last_name",
        "le nom compte au plus 64 caractères, et non 70",
    ),
    (
        lambda: check_display_name("a\x00b"),
        "name.control_character:display_name",
        "le nom d’affichage contient un caractère de contrôle, U+0000, en position 1",
    ),
    (
        lambda: check_first_name("a\ud800"),
        "name.invalid_character:first_name",
        "le prénom contient un point de code de substitution isolé, U+D800, en position 1",
    ),
]


@pytest.mark.parametrize(("make", "key", "french"), NAMES)
def test_naming_rules_in_french(
    make: Callable[[], tuple[Violation, ...]], key: str, french: str
) -> None:
    assert only(make(), key).render("fr") == french


def test_address_without_at_in_french() -> None:
    error = raised(lambda: parse_address("mary"))
    assert error.render("fr") == (
        f"adresse invalide{NBSP}: une adresse a la forme nom_d’utilisateur@domaine "
        "[address.missing_at]"
    )
    assert (
        str(error) == "invalid address: an address has the form login@domain [address.missing_at]"
    )


# --- passwords -------------------------------------------------------------------

STRICT = PasswordPolicy.default()
NOTHING = PasswordPolicy("open", "test", min_length=0, max_length=3)
PASSWORDS = [
    ("", STRICT, "password.empty", "le mot de passe est vide"),
    ("Ab1", STRICT, "password.too_short", "le mot de passe compte moins de 9 caractères"),
    ("Ab1" * 20, STRICT, "password.too_long", "le mot de passe compte plus de 30 caractères"),
    ("Ab1 cdefgh", STRICT, "password.whitespace", "le mot de passe contient une espace"),
    (
        "Ab1cdefgh€",
        STRICT,
        "password.non_ascii",
        "le mot de passe contient un caractère hors ASCII",
    ),
    ("Ab1cdéfgh", STRICT, "password.accented", "le mot de passe contient une lettre accentuée"),
    (
        "Ab1\x00defgh",
        STRICT,
        "password.control_character",
        "le mot de passe contient un caractère de contrôle",
    ),
    (
        "Ab1\ud800defgh",
        STRICT,
        "password.lone_surrogate",
        "le mot de passe contient un point de code de substitution isolé",
    ),
    ("ab1cdefgh", STRICT, "password.missing_upper", "le mot de passe doit contenir une majuscule"),
    ("AB1CDEFGH", STRICT, "password.missing_lower", "le mot de passe doit contenir une minuscule"),
    (
        "Abcdefghi",
        STRICT,
        "password.missing_digit",
        "le mot de passe doit contenir un chiffre (0-9)",
    ),
]


@pytest.mark.parametrize(("password", "policy", "key", "french"), PASSWORDS)
def test_password_rules_in_french(
    password: str, policy: PasswordPolicy, key: str, french: str
) -> None:
    assert only(check_password(password, policy=policy), key).render("fr") == french


def test_password_class_rules_in_french() -> None:
    symbols = PasswordPolicy(
        "s",
        "test",
        min_length=1,
        max_length=9,
        required={CharacterClass.SYMBOL, CharacterClass.OTHER_LETTER},
    )
    found = check_password("a", policy=symbols)
    assert only(found, "password.missing_symbol").render("fr") == (
        "le mot de passe doit contenir un symbole (ni lettre ni chiffre)"
    )
    assert only(found, "password.missing_other_letter").render("fr") == (
        "le mot de passe doit contenir une lettre sans casse"
    )
    service = PasswordPolicy.from_service(complexity_enabled=True, min_length=3)
    assert only(check_password("aaa", policy=service), "password.too_few_categories").render(
        "fr"
    ) == (
        f"le mot de passe doit contenir des caractères de 3 de ces classes{NBSP}: majuscules, "
        "minuscules, chiffres, symboles, lettres sans casse"
    )


@pytest.mark.parametrize(
    ("personal", "password", "key", "french"),
    [
        (
            PersonalInfo(login="mary.johnson"),
            "Xx1johnson",
            "password.contains_login:login",
            "le mot de passe contient le nom d’utilisateur",
        ),
        (
            PersonalInfo(first_name="Maryanne"),
            "Xx1Maryanne",
            "password.contains_name:first_name",
            "le mot de passe contient le prénom",
        ),
        (
            PersonalInfo(last_name="Johnson"),
            "Xx1Johnson",
            "password.contains_name:last_name",
            "le mot de passe contient le nom",
        ),
        (
            PersonalInfo(display_name="Mary Johnson"),
            "Xx1Johnson",
            "password.contains_name:display_name",
            "le mot de passe contient un mot du nom d’affichage",
        ),
    ],
)
def test_personal_data_rules_in_french(
    personal: PersonalInfo, password: str, key: str, french: str
) -> None:
    violation = only(check_password(password, personal=personal), key)
    assert violation.render("fr") == french
    assert password not in violation.render("fr")


def test_birth_date_rule_in_french() -> None:
    import datetime

    personal = PersonalInfo(birth_date=datetime.date(1990, 4, 12))
    violation = only(
        check_password("Xx19900412y", personal=personal),
        "password.contains_birth_date:birth_date",
    )
    assert violation.render("fr") == "le mot de passe contient la date de naissance"


@pytest.mark.parametrize(
    ("make", "french"),
    [
        (
            lambda: PasswordPolicy("p", "t", min_length=-1, max_length=9),
            "min_length ne peut pas être négatif",
        ),
        (
            lambda: PasswordPolicy("p", "t", min_length=5, max_length=4),
            "max_length doit valoir au moins min_length et au moins 1",
        ),
        (
            lambda: PasswordPolicy("p", "t", min_length=1, max_length=9, min_categories=6),
            "min_categories doit être compris entre 0 et 5",
        ),
        (
            lambda: PasswordPolicy(
                "p",
                "t",
                min_length=1,
                max_length=9,
                charset=CharacterSet.PRINTABLE_ASCII,
                required={CharacterClass.OTHER_LETTER},
            ),
            "le jeu de caractères exclut une classe que la politique exige",
        ),
        (
            lambda: PasswordPolicy(
                "p",
                "t",
                min_length=1,
                max_length=2,
                required={CharacterClass.UPPER, CharacterClass.LOWER, CharacterClass.DIGIT},
            ),
            "3 classes sont exigées mais max_length vaut 2",
        ),
        (
            lambda: PasswordPolicy.from_service(complexity_enabled=False, min_length=2),
            f"minPasswordLength vaut 2{NNBSP}; le service accepte 0 ou de 3 à 14",
        ),
    ],
)
def test_password_policy_rules_in_french(make: Callable[[], object], french: str) -> None:
    error = raised(make)
    assert french in [v.render("fr") for v in error.violations]
    assert error.render("fr").startswith(f"politique de mot de passe invalide{NBSP}: ")


# --- routing ---------------------------------------------------------------------


def test_mode_spellings_in_french() -> None:
    error = raised(lambda: DomainMode.parse("maybe"))
    (violation,) = error.violations
    assert violation.render("fr") == (
        f"{q('maybe')} n’est pas un mode de domaine dans l’écriture de l’API ou de l’espace "
        f"client{NNBSP}; valeurs attendues{NBSP}: 'AUTHORITATIVE', 'NON_AUTHORITATIVE', "
        "'authoritative', 'nonAuthoritative'"
    )
    (api,) = raised(lambda: DomainMode.from_api("maybe")).violations
    assert api.render("fr").startswith(
        f"{q('maybe')} n’est pas un mode de domaine dans l’écriture de l’API{NNBSP};"
    )
    (panel,) = raised(lambda: DomainMode.from_control_panel("maybe")).violations
    assert "dans l’écriture de l’espace client" in panel.render("fr")
    assert error.render("fr").startswith(f"mode de domaine invalide{NBSP}: ")


RELAYS = [
    (
        "mx1.mail.ovh.net",
        DomainMode.AUTHORITATIVE,
        "relay.not_allowed",
        f"un domaine en mode autoritatif n’a pas de cible de relais{NBSP}: le courrier adressé "
        f"à des adresses inconnues est rejeté{NNBSP}; supprimez mxRelay ou passez en mode "
        "non-autoritatif",
    ),
    (
        None,
        DomainMode.NON_AUTHORITATIVE,
        "relay.required",
        "un domaine en mode non-autoritatif a besoin d’une cible de relais (mxRelay) pour le "
        "courrier adressé aux adresses que cette plateforme ne connaît pas, par exemple "
        "mx1.mail.ovh.net",
    ),
    (
        "a" * 300 + ".org",
        DomainMode.NON_AUTHORITATIVE,
        "relay.too_long",
        "une cible de relais compte au plus 255 caractères, et non 304",
    ),
    (
        "a..b",
        DomainMode.NON_AUTHORITATIVE,
        "relay.invalid_host",
        f"la cible de relais n’est pas un nom d’hôte valide{NBSP}: le nom a une étiquette vide "
        "(deux points à la suite)",
    ),
    (
        "pro1.mail.ovh.net",
        DomainMode.NON_AUTHORITATIVE,
        "relay.loop",
        f"pro1.mail.ovh.net est un hôte de cette plateforme{NBSP}: relayer vers lui ferait "
        "boucler le courrier sans fin",
    ),
]


@pytest.mark.parametrize(("target", "mode", "key", "french"), RELAYS)
def test_relay_rules_in_french(target: str | None, mode: DomainMode, key: str, french: str) -> None:
    violation = only(check_relay_target(target, platform=PRO, mode=mode), key)
    assert violation.render("fr") == french


def test_a_summing_violation_renders_its_causes_in_the_language() -> None:
    violation = only(
        check_relay_target("-a..b", platform=PRO, mode=DomainMode.NON_AUTHORITATIVE),
        "relay.invalid_host",
    )
    assert [c.code for c in violation.causes] == list(violation.params["reasons"])  # type: ignore[call-overload]
    assert violation.message == (
        "the relay target is not a valid host name: "
        + "; ".join(c.message for c in violation.causes)
    )
    assert violation.render("fr") == (
        f"la cible de relais n’est pas un nom d’hôte valide{NBSP}: "
        + f"{NNBSP}; ".join(c.render("fr") for c in violation.causes)
    )
    back = pickle.loads(pickle.dumps(violation))
    assert back == violation
    assert back.render("fr") == violation.render("fr")


def test_platform_rules_in_french() -> None:
    renders = {
        v.key: v.render("fr")
        for action in [
            lambda: Platform(" ", hosts="a.example"),
            lambda: Platform("p", hosts=()),
            lambda: PRO.with_mailbox("mary@other.example"),
            lambda: (
                PRO.with_domain("d.example", mode=DomainMode.AUTHORITATIVE)
                .with_mailbox("mary@d.example")
                .with_alias("mary@d.example", mailbox="nobody@d.example")
            ),
        ]
        for v in raised(action).violations
    }
    assert renders == {
        "platform.invalid_name": (
            "le nom d’une plateforme est une ligne non vide de caractères imprimables"
        ),
        "platform.no_host": "une plateforme est jointe par au moins un nom d’hôte",
        "platform.domain_not_hosted": (
            f"la plateforme ne détient pas le domaine other.example{NNBSP}; ajoutez-le d’abord"
        ),
        "platform.unknown_mailbox": (
            f"un alias livre à un compte e-mail de la même plateforme{NNBSP}; "
            f"{q('nobody@d.example')} n’en est pas un"
        ),
        "platform.address_taken": (
            f"mary@d.example est déjà un compte e-mail{NNBSP}; une adresse est un compte "
            "e-mail ou un alias"
        ),
    }


def test_alias_taken_and_topology_in_french() -> None:
    held = (
        PRO.with_domain("d.example", mode=DomainMode.AUTHORITATIVE)
        .with_mailbox("mary@d.example")
        .with_alias("sales@d.example", mailbox="mary@d.example")
    )
    (taken,) = raised(lambda: held.with_mailbox("sales@d.example")).violations
    assert taken.render("fr") == (
        f"sales@d.example est déjà un alias{NNBSP}; une adresse est un compte e-mail ou un alias"
    )
    (twice,) = raised(lambda: Topology([PRO, Platform(PRO.name, hosts="x.example")])).violations
    assert twice.render("fr") == f"deux plateformes s’appellent {q(PRO.name)}"
    (host,) = raised(lambda: Topology([PRO, Platform("other", hosts=PRO.hosts)])).violations
    assert host.render("fr") == (
        f"pro1.mail.ovh.net joint déjà la plateforme {q(PRO.name)}{NNBSP}; un hôte joint "
        "une seule plateforme"
    )


def test_authoritative_domain_detected_in_french() -> None:
    error = AuthoritativeDomainDetected("mydomain.ovh", "mxplan")
    assert str(error) == (
        "authoritative domain detected: mydomain.ovh is held by platform 'mxplan'; both "
        "platforms must hold it in non-authoritative mode to coexist"
    )
    assert error.render() == str(error)
    assert error.render("fr") == (
        f"domaine autoritatif détecté{NBSP}: mydomain.ovh est détenu par la plateforme "
        f"{q('mxplan')}{NNBSP}; les deux plateformes doivent le détenir en mode "
        "non-autoritatif pour coexister"
    )
    assert error.code == "topology.authoritative_domain_detected"
    assert dict(error.params) == {"domain": "mydomain.ovh", "platform": "mxplan"}
    assert pickle.loads(pickle.dumps(error)).render("fr") == error.render("fr")


# --- records ---------------------------------------------------------------------


def test_setup_rules_in_french() -> None:
    setup = DomainSetup(
        "example.org",
        server_number=0,
        ownership_token="bad token",
        dkim_selectors=["nope", "nope"],
        dkim_enabled=True,
    )
    renders = {v.key: v.render("fr") for v in check_setup(setup)}
    assert renders == {
        "setup.bad_server_number": (
            "le numéro de serveur est un nombre entier à partir de 1 (pro1), et non 0"
        ),
        "setup.bad_token": (
            f"le jeton de vérification {q('bad token')} ne donne pas une étiquette DNS valide "
            f"{q('bad token-check')} (lettres, chiffres et tirets intérieurs, au plus 63)"
        ),
        "setup.duplicate_selector": f"le sélecteur DKIM {q('nope')} est donné deux fois",
        "setup.bad_selector": (
            f"{q('nope')} n’est pas un sélecteur DKIM de OVHcloud E-mail Pro (EU) (ils ont la "
            "forme ovhemp<chiffres>-selector1)"
        ),
    }
    empty = DomainSetup("example.org", dkim_enabled=True)
    (nothing,) = check_setup(empty)
    assert nothing.render("fr") == (
        "DKIM doit être activé mais aucun sélecteur DKIM n’est donné (demandez la liste "
        "dkimSelector à l’API)"
    )


def test_setup_names_and_targets_in_french() -> None:
    long = DomainSetup(".".join(["a" * 60] * 4)[:240] + ".org")
    found = check_setup(long)
    autodiscover = only(found, "setup.name_too_long:autodiscover")
    assert autodiscover.render("fr").startswith("le nom de l’enregistrement autodiscover «")
    assert autodiscover.render("fr").endswith(
        "ne tient pas dans le DNS (étiquettes d’au plus 63 octets, noms d’au plus 253)"
    )
    selector = "ovhemp1234567-selector1"
    data = {"domain": "example.org", "dkim_selectors": [{"name": selector, "target": "x.example"}]}
    (wrong,) = check_setup(DomainSetup.from_dict(data))
    assert wrong.render("fr") == (
        f"{q('x.example')} n’est pas une cible DKIM pour le sélecteur {selector}"
    )


def test_setup_reading_and_server_number_in_french() -> None:
    error = raised(lambda: DomainSetup.from_dict({"colour": "blue"}))
    assert isinstance(error, InvalidSetup)
    assert [v.render("fr") for v in error.violations] == [
        f"clé de configuration inconnue {q('colour')}",
        "une configuration a besoin d’un domaine",
    ]
    assert error.render("fr").startswith(f"configuration de domaine invalide{NBSP}: ")
    (bad,) = check_server_number(0)
    assert bad.key == "setup.bad_server_number"


def test_client_settings_xml_text_in_french() -> None:
    error = raised(lambda: autoconfig_xml(1, domain="example.org", display_name="a\x01b"))
    assert error.render("fr") == (
        f"nom d’affichage invalide{NBSP}: le nom d’affichage contient U+0001, que XML ne peut "
        "pas porter tel quel [client.bad_xml_text]"
    )


# --- SPF, DKIM, DMARC --------------------------------------------------------------

SPF = [
    (
        "v=spf2",
        "spf.not_spf",
        f"un enregistrement SPF commence par {q('v=spf1')} suivi d’une espace ou de la fin",
    ),
    (
        "v=spf1 ip4:1.2.3",
        "spf.bad_ip",
        f"ip4 demande {q(':')} et une adresse valide (dans {q('ip4:1.2.3')})",
    ),
    ("v=spf1 foo:x", "spf.unknown_mechanism", f"mécanisme inconnu {q('foo')} (dans {q('foo:x')})"),
    (
        "v=spf1 a/99",
        "spf.bad_cidr",
        f"la longueur de préfixe va de 0 à 32, sans zéro en tête (dans {q('a/99')})",
    ),
    (
        "v=spf1 include",
        "spf.bad_domain:missing",
        f"include demande {q(':')} et un domaine (dans {q('include')})",
    ),
    ("v=spf1 include:", "spf.bad_domain:empty", f"le domaine est vide (dans {q('include:')})"),
    (
        "v=spf1 a:b.c-",
        "spf.bad_domain:toplabel",
        f"un domaine finit par {q('.')} et une étiquette de premier niveau (lettres, chiffres, "
        f"tirets intérieurs{NNBSP}; pas seulement des chiffres) ou par une macro "
        f"(dans {q('a:b.c-')})",
    ),
    (
        "v=spf1 includex",
        "spf.syntax:not_a_term" if False else "spf.unknown_mechanism",
        f"mécanisme inconnu {q('includex')} (dans {q('includex')})",
    ),
    ("v=spf1 @", "spf.syntax:not_a_term", f"ni un mécanisme ni un modificateur (dans {q('@')})"),
    (
        "v=spf1 all:x",
        "spf.syntax:all_argument",
        f"{q('all')} ne prend pas d’argument (dans {q('all:x')})",
    ),
    (
        "v=spf1 include/x",
        "spf.syntax:unexpected",
        f"{q('/x')} inattendu après include (dans {q('include/x')})",
    ),
    ("v=spf1 mx/x", "spf.bad_cidr:unexpected", f"{q('/x')} inattendu après mx (dans {q('mx/x')})"),
    (
        "v=spf1 1x=y",
        "spf.syntax:modifier_name",
        f"le nom d’un modificateur commence par une lettre (dans {q('1x=y')})",
    ),
    (
        "v=spf1 é",
        "spf.non_ascii",
        f"un enregistrement SPF s’écrit en ASCII 7 bits (§3.1) (dans {q('é')})",
    ),
    (
        "v=spf1 redirect=a.org redirect=b.org",
        "spf.duplicate_modifier",
        f"redirect= apparaît plus d’une fois (dans {q('redirect=b.org')})",
    ),
    (
        "v=spf1 include:%{z}.org",
        "spf.bad_macro:invalid_in_term",
        f"macro invalide {q('%{z}')} (dans {q('include:%{z}.org')})",
    ),
    (
        "v=spf1 include:%{d0}.org",
        "spf.bad_macro:zero_count_in_term",
        f"le nombre de parties d’une macro ne peut pas être zéro (dans {q('include:%{d0}.org')})",
    ),
    (
        "v=spf1 include:%x.org",
        "spf.bad_macro:percent_in_term",
        f"{q('%')} doit être suivi de {q('{')}, {q('%')}, {q('_')} ou {q('-')} "
        f"(dans {q('include:%x.org')})",
    ),
    (
        "v=spf1 x=a\x7fb",
        "spf.syntax:character_in_term",
        f"{q(chr(92) + 'x7f')} n’est pas autorisé (dans {q('x=a' + chr(92) + 'x7fb')})",
    ),
]


@pytest.mark.parametrize(("text", "key", "french"), SPF)
def test_spf_syntax_in_french(text: str, key: str, french: str) -> None:
    assert only(parse_spf(text).violations, key).render("fr") == french


@pytest.mark.parametrize(
    ("text", "key", "french"),
    [
        (
            "a%b",
            "spf.bad_macro:percent",
            f"{q('%')} doit être suivi de {q('{')}, {q('%')}, {q('_')} ou {q('-')}",
        ),
        ("%{q}", "spf.bad_macro:invalid", f"macro invalide {q('%{q}')}"),
        (
            "%{d0}",
            "spf.bad_macro:zero_count",
            "le nombre de parties d’une macro ne peut pas être zéro",
        ),
        ("a\x00", "spf.syntax:character", f"{q(chr(92) + 'x00')} n’est pas autorisé"),
    ],
)
def test_macro_strings_in_french(text: str, key: str, french: str) -> None:
    _, (violation,) = parse_macro_string(text)
    assert violation.key == key
    assert violation.render("fr") == french
    assert violation.params["text"] == text


@pytest.mark.parametrize(
    ("existing", "include", "key", "french"),
    [
        (
            None,
            "include:mx.ovh.com",
            "spf.bad_include",
            f"{q('include:mx.ovh.com')} n’est pas un domaine à inclure (écrivez seulement le "
            "domaine, par exemple mx.ovh.com)",
        ),
        (
            ["v=spf1 -all", "v=spf1 ~all"],
            "mx.ovh.com",
            "spf.multiple_records:merge",
            f"enregistrements SPF publiés{NBSP}: 2{NNBSP}; fusionnez-les à la main en un seul "
            "(RFC 7208 §4.5)",
        ),
        (
            "v=spf1 include:mx.ovh.com include:mx.ovh.com -all",
            "mx.ovh.com",
            "spf.duplicate_include",
            f"include:mx.ovh.com apparaît 2 fois{NNBSP}; gardez-en un",
        ),
        (
            "v=spf1 ~include:mx.ovh.com -all",
            "mx.ovh.com",
            "spf.include_qualified",
            f"l’enregistrement contient {q('~include:mx.ovh.com')}{NNBSP}; changer son "
            "qualificateur change la politique du domaine, c’est donc au propriétaire d’en décider",
        ),
        (
            "v=spf1 " + " ".join(f"a:h{i}.example" for i in range(10)) + " -all",
            "mx.ovh.com",
            "spf.too_many_lookups:merge",
            f"l’enregistrement aurait 11 termes qui interrogent le DNS{NNBSP}; la limite est 10 "
            "(RFC 7208 §4.6.4)",
        ),
    ],
)
def test_spf_merge_in_french(
    existing: str | list[str] | None, include: str, key: str, french: str
) -> None:
    (violation,) = merge_spf(existing, include).violations
    assert violation.key == key
    assert violation.render("fr") == french


DKIM = [
    (
        "v=DKIM1; x",
        "dkim.syntax",
        f"la balise 2 ({q('x')}) n’est pas de la forme nom=valeur, avec un nom commençant par "
        "une lettre et une valeur en ASCII imprimable",
    ),
    ("p=a; p=b", "dkim.duplicate_tag", "la balise p= apparaît plus d’une fois"),
    (
        "v=DKIM2; p=",
        "dkim.bad_version",
        f"v={q('DKIM2')}{NBSP}: la version d’un enregistrement de clé doit être exactement DKIM1",
    ),
    (
        "p=; v=DKIM1",
        "dkim.bad_version:first",
        "v=DKIM1 doit être la première balise d’un enregistrement de clé",
    ),
    (
        "k=dsa; p=",
        "dkim.unknown_key_type",
        f"k={q('dsa')} n’est pas un type de clé que les vérificateurs connaissent (rsa, ed25519)",
    ),
    ("v=DKIM1", "dkim.missing_key", "l’enregistrement n’a pas de balise p= (la clé publique)"),
    ("v=DKIM1; p=", "dkim.revoked", f"p= est vide{NBSP}: la clé a été révoquée (RFC 6376 §3.6.1)"),
    (
        "v=DKIM1; s=other; p=",
        "dkim.not_for_email",
        f"s=other n’inclut ni email ni *{NBSP}: cette clé ne peut pas vérifier de courrier",
    ),
    ("v=DKIM1; h=sha1; p=", "dkim.no_sha256", "h=sha1 n’autorise pas sha256"),
]


@pytest.mark.parametrize(("text", "key", "french"), DKIM)
def test_dkim_rules_in_french(text: str, key: str, french: str) -> None:
    assert only(parse_dkim_key(text).violations, key).render("fr") == french


def test_dkim_warnings_and_strength_in_french() -> None:
    (case,) = parse_dkim_key("k=RSA; p=").warnings
    assert case.render("fr") == (
        f"k=RSA{NBSP}: les valeurs des balises respectent la casse (RFC 6376 §3.2), donc les "
        "vérificateurs qui la suivent (dkimpy) ne connaissent pas ce type de clé et rejettent "
        f"la clé{NNBSP}; écrivez k=rsa"
    )
    bad = only(parse_dkim_key("v=DKIM1; p=!!!!").violations, "dkim.bad_key")
    assert bad.render("fr") == (
        f"p= n’est pas une clé publique rsa valide{NBSP}: {bad.params['reason']}"
    )
    from emailpro_core.dkim import DkimKey, DkimKeyType, dkim_key_strength

    weak = dkim_key_strength(DkimKey("DKIM1", DkimKeyType.RSA, 1024))
    too_weak = dkim_key_strength(DkimKey("DKIM1", DkimKeyType.RSA, 512))
    assert weak is not None
    assert too_weak is not None
    assert weak.render("fr") == (
        f"la clé RSA compte 1024 bits{NBSP}: 2048 bits ou plus sont recommandés"
    )
    assert too_weak.render("fr") == (
        f"la clé RSA compte 512 bits{NBSP}: les vérificateurs rejettent les clés de moins "
        "de 1024 bits"
    )


DMARC = [
    (
        "v=DMARC2",
        "dmarc.not_dmarc",
        f"ce n’est pas un enregistrement DMARC{NBSP}: il doit commencer par v=DMARC1",
    ),
    ("v=DMARC1; p=none; x", "dmarc.syntax", f"{q('x')} n’est pas une paire balise=valeur"),
    (
        "v=DMARC1; p=none; p=reject",
        "dmarc.duplicate_tag",
        f"la balise p= apparaît plus d’une fois{NNBSP}; seule la première compte",
    ),
    (
        "v=DMARC1; p=maybe",
        "dmarc.bad_policy",
        f"p={q('maybe')}{NBSP}: none, quarantine ou reject est attendu",
    ),
    (
        "v=DMARC1; p=none; adkim=x",
        "dmarc.bad_value",
        f"adkim={q('x')}{NBSP}: r (souple) ou s (strict) est attendu",
    ),
    ("v=DMARC1; p=none; psd=x", "dmarc.bad_value", f"psd={q('x')}{NBSP}: y, n ou u est attendu"),
    (
        "v=DMARC1; p=none; pct=101",
        "dmarc.bad_value",
        f"pct={q('101')}{NBSP}: un nombre entier de 0 à 100 est attendu",
    ),
    (
        "v=DMARC1; p=none; ri=x",
        "dmarc.bad_value",
        f"ri={q('x')}{NBSP}: un nombre de secondes est attendu (un entier non signé de 32 bits)",
    ),
    ("v=DMARC1; p=none; t=x", "dmarc.bad_value", f"t={q('x')}{NBSP}: y ou n est attendu"),
    (
        "v=DMARC1; p=none; fo=2",
        "dmarc.bad_value",
        f"fo={q('2')}{NBSP}: une liste de 0, 1, d et s séparés par des deux-points est attendue",
    ),
    (
        "v=DMARC1; p=none; fo=0:1",
        "dmarc.bad_value",
        f"fo={q('0:1')}{NBSP}: chaque option au plus une fois, et 0 et 1 s’excluent",
    ),
    (
        "v=DMARC1; p=none; rf=a b",
        "dmarc.bad_value",
        f"rf={q('a b')}{NBSP}: une liste de noms de formats de rapport séparés par des "
        "deux-points est attendue",
    ),
    (
        "v=DMARC1; p=none; sp=\x01",
        "dmarc.bad_policy",
        f"sp={q(chr(92) + 'x01')}{NBSP}: la valeur est vide ou n’est pas en ASCII imprimable",
    ),
    (
        "v=DMARC1; p=none; rua=x",
        "dmarc.bad_value:uri",
        f"rua={NBSP}: {q('x')} n’est pas une URI (schéma:…)",
    ),
    (
        "v=DMARC1; p=none; rua=mailto:x",
        "dmarc.bad_value:uri",
        f"rua={NBSP}: {q('mailto:x')} n’est pas une URI mailto avec une adresse",
    ),
    (
        "v=DMARC1; p=none; rua=mailto:a!b@c.org",
        "dmarc.bad_value:uri",
        f"rua={NBSP}: {q('mailto:a!b@c.org')} contient un {q('!')} qui n’est pas un suffixe de "
        f"taille à sa fin (RFC 7489 §6.4{NBSP}: {q('!')}, des chiffres et un k, m, g ou t "
        f"facultatif, en dernier{NNBSP}; ailleurs, écrivez %21)",
    ),
    (
        "v=DMARC1; rua=x",
        "dmarc.missing_policy",
        f"l’enregistrement n’a ni balise p= ni rua= valide{NBSP}: les destinataires n’appliquent "
        "aucun traitement DMARC",
    ),
]


@pytest.mark.parametrize(("text", "key", "french"), DMARC)
def test_dmarc_errors_in_french(text: str, key: str, french: str) -> None:
    violation = only(parse_dmarc(text).errors, key)
    assert violation.render("fr") == french
    # The reason is a cause: its own key, rendered in the language of the sentence.
    for cause in violation.causes:
        assert cause.code == "dmarc.reason"
        assert cause.render("fr") in violation.render("fr")


@pytest.mark.parametrize(
    ("text", "key", "french"),
    [
        (
            "v=DMARC1; p=none; zz=1",
            "dmarc.unknown_tag",
            "la balise zz= n’est pas une balise DMARC et elle est ignorée",
        ),
        (
            "v=DMARC1; rua=mailto:a@b.org",
            "dmarc.missing_policy:with_rua",
            f"l’enregistrement n’a pas de balise p={NBSP}: les destinataires font comme si p=none",
        ),
        (
            "v=DMARC1; p=none; pct=10",
            "dmarc.pct_ignored",
            f"pct=10 n’est respecté que par les destinataires RFC 7489{NNBSP}; ceux de la RFC "
            "9989 appliquent la politique à tout le courrier en échec (utilisez t=y pour tester)",
        ),
    ],
)
def test_dmarc_warnings_in_french(text: str, key: str, french: str) -> None:
    assert only(parse_dmarc(text).warnings, key).render("fr") == french


# --- examples and the exceptions ------------------------------------------------------


def test_unknown_example_in_french() -> None:
    error = raised(lambda: example_zone("nowhere.example"))
    assert error.render("fr") == (
        f"nom d’exemple invalide{NBSP}: il n’y a pas de zone d’exemple pour "
        f"{q('nowhere.example')}{NNBSP}; les exemples sont example.org, mydomain.ovh "
        "[example.unknown]"
    )


def test_validation_error_render() -> None:
    error = InvalidLogin(
        (templated("login.empty"), templated("login.too_short", {"minimum": 2, "length": 1}))
    )
    assert error.render() == str(error)
    assert error.render("fr") == (
        f"nom d’utilisateur invalide{NBSP}: le nom d’utilisateur est vide [login.empty]"
        f"{NNBSP}; un nom d’utilisateur compte au moins 2 caractères, et non 1 "
        "[login.too_short]"
    )
    assert ValidationError(()).render("fr") == "saisie invalide"
    # A subject of the caller's own stays as written; a foreign violation keeps its words.
    mine = ValidationError([Violation("my.code", "my words")], "widget")
    assert mine.render("fr") == f"widget invalide{NBSP}: my words [my.code]"
    with pytest.raises(ValueError, match="unsupported language"):
        error.render("de")


@pytest.mark.parametrize(
    ("subject", "french"),
    [
        ("domain name", "nom de domaine"),
        ("login", "nom d’utilisateur"),
        ("password", "mot de passe"),
        ("password policy", "politique de mot de passe"),
        ("address", "adresse"),
        ("service name", "nom de service"),
        ("domain mode", "mode de domaine"),
        ("relay target", "cible de relais"),
        ("routing change", "changement de routage"),
        ("domain setup", "configuration de domaine"),
        ("server number", "numéro de serveur"),
        ("display name", "nom d’affichage"),
        ("display short name", "nom d’affichage court"),
        ("example name", "nom d’exemple"),
        ("input", "saisie"),
    ],
)
def test_subjects_in_french(subject: str, french: str) -> None:
    assert ValidationError((), subject).render("fr") == f"{french} invalide"


def test_zone_file_errors_in_french(tmp_path: Path) -> None:
    located = ZoneFileError("my.zone", "bad TTL", 3)
    assert str(located) == "cannot read the zone my.zone, near line 3: bad TTL"
    assert located.render("fr") == (
        f"impossible de lire la zone {q('my.zone')}, près de la ligne 3{NBSP}: bad TTL"
    )
    odd = ZoneFileError("a\x00b", "oops")
    assert (
        odd.render("fr") == f"impossible de lire la zone {q(repr('a' + chr(0) + 'b'))}{NBSP}: oops"
    )
    with pytest.raises(ZoneFileError) as caught:
        ZoneSource.from_file(tmp_path)
    directory = caught.value
    assert str(directory) == f"cannot read the zone {tmp_path}: not a regular file (a directory)"
    assert directory.reason == "input_file.not_regular:directory"
    assert directory.render("fr") == (
        f"impossible de lire la zone {q(str(tmp_path))}{NBSP}: pas un fichier ordinaire "
        "(un répertoire)"
    )
    back = pickle.loads(pickle.dumps(directory))
    assert (str(back), back.render("fr")) == (str(directory), directory.render("fr"))


def test_a_zone_without_origin_in_french() -> None:
    import dns.zone

    from emailpro_core.sources._zone import _read_zone

    with pytest.raises(ZoneFileError) as caught:
        _read_zone(dns.zone.Zone(None))
    assert caught.value.render("fr") == (
        f"impossible de lire la zone {q('<zone>')}{NBSP}: la zone n’a pas d’origine"
    )


def test_input_file_errors_in_french(tmp_path: Path) -> None:
    import io

    with pytest.raises(InputFileError) as caught:
        read_at_most(io.BytesIO(b"x" * 2048), 1024)
    assert str(caught.value) == "larger than the limit of 1 KiB"
    assert caught.value.render("fr") == "plus grand que la limite de 1 KiB"


def test_domain_outside_zone_in_french() -> None:
    one = DomainOutsideZone("example.net", ("example.org",))
    many = DomainOutsideZone("example.net", ("example.org", ""))
    assert (str(one), str(many)) == (
        "example.net is not in the zone example.org",
        "example.net is in none of the zones example.org, .",
    )
    assert one.render("fr") == "example.net n’est pas dans la zone example.org"
    assert many.render("fr") == "example.net n’est dans aucune des zones example.org, ."
    assert pickle.loads(pickle.dumps(many)).render("fr") == many.render("fr")


def test_source_data_errors_in_french() -> None:
    with pytest.raises(SourceDataError) as caught:
        StaticSource({"example.org": {"MX": "not an mx"}})
    bad = caught.value
    assert bad.key == "source.bad_record"
    assert bad.render("fr") == (
        f"impossible de lire {q('not an mx')} comme un enregistrement MX{NBSP}: "
        f"{bad.params['reason']}"
    )
    with pytest.raises(SourceDataError) as caught:
        StaticSource({"example.org": {"TXT": [("x" * 300,)]}})
    long = caught.value
    assert str(long) == (
        "a TXT character-string has at most 255 octets (RFC 1035 §3.3); got 300: give the "
        "text as one str to have it cut"
    )
    assert long.render("fr") == (
        "une chaîne de caractères TXT compte au plus 255 octets (RFC 1035 §3.3), et non "
        f"300{NBSP}: donnez le texte en une seule str pour qu’il soit coupé"
    )
    back = pickle.loads(pickle.dumps(long))
    assert (str(back), back.render("fr"), back.key) == (str(long), long.render("fr"), long.key)
    # One made by hand, without a key, says the same in every language.
    plain = SourceDataError("my words")
    assert plain.render("fr") == "my words"
    assert pickle.loads(pickle.dumps(plain)).render("fr") == "my words"


def test_verbatim_text_is_not_escaped() -> None:
    assert _catalog.fill("{x}", {"x": _catalog.Verbatim("a\u00a0b")}, "fr") == "a\u00a0b"
    assert _catalog.fill("{x}", {"x": "a\u00a0b"}, "fr") == "a\\xa0b"


@pytest.mark.parametrize(
    ("policy", "english", "french"),
    [
        (
            PasswordPolicy.from_service(complexity_enabled=False, min_length=8),
            "8-127 characters, any characters, no whitespace",
            "8-127 caractères, tous caractères, sans espace",
        ),
        (
            PasswordPolicy.from_service(complexity_enabled=True, min_length=8),
            "8-127 characters, any characters, no whitespace, 3 of 5 character classes, no "
            "login/display_name inside (tokens of 3+, case-insensitive, login whole)",
            "8-127 caractères, tous caractères, sans espace, 3 des 5 catégories de caractères, "
            "pas de login/display_name à l’intérieur (fragments de 3 caractères ou plus, sans "
            "distinction de casse, nom d’utilisateur entier)",
        ),
    ],
)
def test_policy_description_in_french(policy: PasswordPolicy, english: str, french: str) -> None:
    """describe() writes the rules in the language asked for; English by default."""
    assert (policy.describe(), policy.describe("fr")) == (english, french)
