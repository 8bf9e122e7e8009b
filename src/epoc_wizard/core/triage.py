"""Which path a person needs: a few questions, then the flows to follow, in order.

``recommend`` is a pure function of the answers, so the decisions can be tested as a
table. The answers are also handed to the flows started afterwards (``prefill``), so
nothing asked here is asked again.

Every reason quotes a fact from the sources: web ePOC was retired for nursing homes on
14 July 2025 (001, 002); iQIES needs a HARP account and the Provider ePOC Administrator
role, approved only when the organization has a Provider Security Official (001, 002);
legacy ePOC needs a CMSNet user ID first (000, 001); California adds CDPH's steps (000);
assisters reach the library through the Enterprise Portal and CMSzONE (004).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from epoc_wizard.flowspec.model import Option, Question

PROVIDERS = [
    ("nursing_home", "Nursing home (skilled nursing or long-term care)"),
    ("hospice", "Hospice"),
    ("home_health", "Home health agency"),
    ("irf_ltch_swing", "Inpatient rehabilitation, long-term care hospital or swing bed"),
    ("assister", "Assister organization (Navigator or certified application counselor)"),
]
NEEDS = [
    ("poc", "Submit plans of correction (ePOC) after a survey"),
    ("assessments", "Submit assessments or records (MDS, HIS, OASIS...)"),
    ("library", "Reach the Online Resource Library for Assisters"),
]
ACCOUNTS = [
    ("cmsnet", "A CMSNet user ID"),
    ("qies", "A QIES / ePOC user ID (MDS...)"),
    ("harp", "A HARP account"),
    ("eidm", "An EIDM account"),
    ("pso", "A Provider Security Official (PSO) in our organization"),
    ("portal", "A CMS Enterprise Portal account"),
]


def _q(
    qid: str,
    prompt: str,
    kind: str,
    options: list[tuple[str, str]] | None = None,
    required: bool = True,
    when: dict[str, Any] | None = None,
) -> Question:
    return Question.model_validate(
        {
            "id": qid,
            "prompt": prompt,
            "kind": kind,
            "required": required,
            "when": when,
            "options": [Option(value=v, label=label) for v, label in options] if options else None,
        }
    )


#: Assisters go to the library whatever else is true: the facility questions are not theirs.
_FACILITY = {
    "all": [
        {"not": {"answer": "provider_type", "is": "assister"}},
        {"not": {"answer": "need", "is": "library"}},
    ]
}

QUESTIONS = [
    _q("provider_type", "What kind of organization are you?", "select", PROVIDERS),
    _q(
        "need",
        "What do you need to do?",
        "select",
        NEEDS,
        when={"not": {"answer": "provider_type", "is": "assister"}},
    ),
    _q(
        "accounts",
        "Which of these do you already have?",
        "checkbox",
        ACCOUNTS,
        required=False,
        when={"not": {"answer": "provider_type", "is": "assister"}},
    ),
    _q(
        "has_portal",
        "Do you already have a CMS Enterprise Portal account?",
        "confirm",
        when={"answer": "provider_type", "is": "assister"},
    ),
    _q("state", "Which state is the facility in? (two letters, e.g. CA)", "state", when=_FACILITY),
    _q(
        "scope",
        "Is this for one facility or several?",
        "select",
        [("one", "One facility"), ("several", "Several facilities of one organization")],
        when=_FACILITY,
    ),
]


def _accounts(answers: Mapping[str, Any]) -> set[str]:
    """The accounts held: those ticked, and the portal account assisters are asked about."""
    return set(answers.get("accounts") or []) | ({"portal"} if answers.get("has_portal") else set())


@dataclass(frozen=True)
class Recommendation:
    flow: str
    reason: str


def recommend(answers: Mapping[str, Any]) -> list[Recommendation]:
    """The flows to follow, in order, each with a one-sentence reason."""
    provider = answers.get("provider_type")
    need = answers.get("need")
    have = _accounts(answers)
    state = answers.get("state")
    out: list[Recommendation] = []
    if provider == "assister" or need == "library":
        why = (
            "you already have an Enterprise Portal account, so you can go straight to "
            "requesting CMSzONE access"
            if "portal" in have
            else "assisters join the library with a CMS Enterprise Portal account, the zONE End "
            "User role in CMSzONE, then a community request with their Navigator or CAC ID"
        )
        return [Recommendation("assister-zone", why[0].upper() + why[1:] + ".")]
    if provider == "nursing_home" and need == "poc":
        pso = (
            ""
            if "pso" in have
            else " Your organization must have at least one Provider "
            "Security Official (PSO) before the role can be approved; the flow says what "
            "to do if it has none."
        )
        out.append(
            Recommendation(
                "iqies",
                "Web ePOC was retired for nursing homes on 14 July 2025: plans of "
                "correction are now submitted in iQIES, which needs a HARP account and the "
                f"Provider ePOC Administrator role.{pso}",
            )
        )
        return out
    if need == "poc":
        if "cmsnet" not in have:
            out.append(
                Recommendation(
                    "cmsnet",
                    "Legacy ePOC is reached through CMSNet, so you need your own "
                    "CMSNet user ID first.",
                )
            )
        if "qies" in have:
            out.append(
                Recommendation(
                    "epoc-access",
                    "You already have an ePOC user ID, so these are the steps back "
                    "into ePOC through ASPEN Web to open the CMS-2567 and enter your plan of "
                    "correction (web ePOC was retired only for nursing homes).",
                )
            )
            return out
        ca = (
            " As a California facility you will also get the CDPH steps (webinar passcode "
            "and the e-mails to CDPH)."
            if state == "CA"
            else ""
        )
        out.append(
            Recommendation(
                "legacy-epoc",
                "For providers other than nursing homes, the sources still describe "
                f"ePOC through QIES / ASPEN Web (it was retired only for nursing homes).{ca}",
            )
        )
        return out
    if provider == "nursing_home":
        out.append(
            Recommendation(
                "iqies",
                "A HARP account is required to obtain any iQIES role; the flow also "
                "covers two-factor set-up and the role request.",
            )
        )
        return out
    if "cmsnet" not in have:
        out.append(
            Recommendation(
                "cmsnet",
                "A CMSNet user ID gives access to CMS' private network, where the QIES "
                "ASAP submission system and CASPER reports are; it is the first of the user IDs "
                "needed to submit records.",
            )
        )
    return out


def nothing_to_start(answers: Mapping[str, Any]) -> str:
    """What to say when ``recommend`` finds no path to start (003: the CMSNet user ID is
    the first of two user IDs needed to submit records to QIES ASAP; 001: the QTSO Help
    Desk assists with MDS and ePOC user registration)."""
    if "qies" in _accounts(answers):
        return (
            "None of these paths needs starting: you already have a CMSNet user ID and "
            "a QIES user ID. The help desks are listed by 'epoc-wizard contacts cmsnet'."
        )
    return (
        "You already have a CMSNet user ID: the first of the two user IDs needed to "
        "submit records to the QIES ASAP system. How to get the second one is not in the "
        "instructions this wizard follows. The QTSO Help Desk, (888) 477-7876, assists "
        "with MDS and ePOC user registration: ask them."
    )


def prefill(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Triage answers in the words of the flows, so that no flow asks them again.

    Only what the person said is handed on: an account ticked is an account held, but
    one not ticked may simply have been overlooked, so the flow still asks about it.
    """
    have = _accounts(answers)
    out: dict[str, Any] = {}
    if answers.get("provider_type") in {v for v, _ in PROVIDERS} - {"assister"}:
        out["provider_type"] = answers["provider_type"]
    if answers.get("state"):
        out["state"] = answers["state"]
    for account, qid in (
        ("cmsnet", "has_cmsnet_id"),
        ("harp", "has_harp"),
        ("eidm", "has_eidm"),
        ("portal", "has_portal_account"),
    ):
        if account in have:
            out[qid] = True
    if "pso" in have:
        out["has_pso"] = "yes"
    if isinstance(answers.get("has_portal"), bool):  # asked as yes/no: "no" is an answer
        out["has_portal_account"] = answers["has_portal"]
    if answers.get("scope"):
        out["access_scope"] = "individual" if answers["scope"] == "one" else "multiple_facility"
    return out
