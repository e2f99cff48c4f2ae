"""Deterministic generator of synthetic service management systems for the benchmark suite.

``generate(tier, seed)`` returns plain JSON-able data in the ``sms_model`` file format
(``format_version: 1``), shaped like a large managed-service provider:

- a provider with top management, a management representative and a reporting tree of staff;
  internal groups, customers, suppliers (a few sub-contracted) and a certification body;
- service lines of about twenty services each; every service line runs its own set of the
  Clause 5 to 9 processes, and some of them are operated by suppliers under an
  ``other_party_processes`` record and a contract (ISO/IEC 20000-1:2011, 4.2);
- agreements, controlled documents with approvals, meetings, reviews, audits, reports, risks,
  changes, resources, the improvement register and dated evidence spread over two years up to
  :data:`AS_OF`, each record naming its subjects, clauses and location.

A few percent of everything is deliberately wrong (missing approvals, a service without an
agreement, a supplier-run process missing a governance control, stale or unlocated evidence,
a change without a risk assessment, ...), so an assessment has real findings to report.

Tiers scale every collection together; the evidence count is the headline size:

====  ========  ========  =========  ==================  ================
tier  evidence  services  processes  people and roles    supplier-run
====  ========  ========  =========  ==================  ================
XS    100       5         36         ~100                ~4
S     1,000     50        36         ~110                ~9
M     10,000    500       358        ~1,040              ~110
L     100,000   5,000     3,508      ~10,400             ~1,120
====  ========  ========  =========  ==================  ================

``XS`` exists for quick tests; the benchmark runs S, M and L.

Command line::

    python benchmarks/generate.py L > l.json        # JSON on standard output
    python benchmarks/generate.py L --write         # benchmarks/data/L.json (git-ignored)
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

__all__ = ["AS_OF", "DATA_DIR", "TIERS", "data_path", "generate", "main", "write"]

#: The date the generated systems are meant to be assessed on; evidence spans the two years
#: before it.
AS_OF: Final = date(2026, 11, 27)

#: Evidence records per tier; every other collection scales with it (L = 1).
TIERS: Final = {"XS": 100, "S": 1_000, "M": 10_000, "L": 100_000}

#: Where ``--write`` and the runner keep generated files (git-ignored).
DATA_DIR: Final = Path(__file__).resolve().parent / "data"

_DAYS: Final = 730
_START: Final = AS_OF - timedelta(days=_DAYS)
# ISO strings of every day of the two-year window, computed once (string building dominates).
_ISO: Final = tuple((_START + timedelta(days=d)).isoformat() for d in range(_DAYS + 1))

# Clause 5 to 9 processes every service line runs: kind, id suffix, clause of its records.
_LINE_PROCESSES: Final = (
    ("design_and_transition", "dt"),
    ("service_level", "slm"),
    ("service_reporting", "rep"),
    ("continuity_and_availability", "cont"),
    ("budgeting_and_accounting", "bud"),
    ("capacity", "cap"),
    ("information_security", "ism"),
    ("business_relationship", "brm"),
    ("supplier", "sup"),
    ("incident_and_request", "inc"),
    ("problem", "prb"),
    ("configuration", "cfg"),
    ("change", "chg"),
    ("release_and_deployment", "rel"),
)
# Within a service line: which processes record an interface with which (as in base.yaml).
_LINE_INTERFACES: Final = {
    "dt": ("chg",),
    "slm": ("rep", "cap", "cont"),
    "brm": ("slm",),
    "sup": ("slm",),
    "inc": ("prb", "ism"),
    "prb": ("chg",),
    "chg": ("cfg", "rel", "ism"),
    "rel": ("cfg",),
}
# Processes a service line may hand to a supplier.
_OUTSOURCEABLE: Final = ("cap", "cfg", "rel", "cont", "inc", "rep", "dt")
# The SMS-level Clause 4 processes: kind, id, owner.
_CLAUSE4_PROCESSES: Final = (
    ("sms", "p-sms", "ceo"),
    ("document_management", "p-docs", "rep"),
    ("resource_management", "p-resources", "cfo"),
    ("sms_planning", "p-planning", "rep"),
    ("sms_monitoring", "p-monitoring", "rep"),
    ("internal_audit", "p-audit", "rep"),
    ("management_review", "p-review", "ceo"),
    ("improvement", "p-improve", "rep"),
)
_CONTROLS: Final = (
    "accountability_and_authority",
    "definition_and_interfaces",
    "performance_and_compliance",
    "improvement_planning",
)
_TERMS: Final = (
    "scope",
    "requirements",
    "targets",
    "accountabilities",
    "authorities",
    "responsibilities",
)
_REVIEW_INPUTS: Final = (
    "customer_feedback",
    "performance",
    "resources",
    "risks",
    "audit_results",
    "previous_actions",
    "changes",
    "improvement_opportunities",
)
_STAGES: Final = (
    "planning",
    "establishment",
    "operation",
    "monitoring",
    "measurement",
    "review",
    "maintenance",
    "improvement",
)
# Operational evidence kinds: (kind, clause, what it names, location prefix, weight).
_OPERATIONAL_EVIDENCE: Final = (
    ("incident-record", "8.1", "inc", "itsm-tool://incidents/", 30),
    ("service-request-record", "8.1", "inc", "itsm-tool://requests/", 20),
    ("problem-record", "8.2", "prb", "itsm-tool://problems/", 6),
    ("known-error-record", "8.2", "prb", "itsm-tool://known-errors/", 3),
    ("change-record", "9.2", "chg", "itsm-tool://changes/", 8),
    ("release-record", "9.3", "rel", "itsm-tool://releases/", 5),
    ("cmdb", "9.1", "cfg", "itsm-tool://cmdb/", 3),
    ("availability-monitoring", "6.3.3", "service", "monitoring://availability/", 8),
    ("capacity-monitoring", "6.5", "service", "monitoring://capacity/", 6),
    ("security-incident-record", "6.6.3", "ism", "itsm-tool://security-incidents/", 2),
    ("cost-accounting", "6.4", "service", "finance://cost-accounts/", 2),
    ("satisfaction-survey", "7.1", "customer", "crm://surveys/", 1),
    ("communication", "4.1.3", "sms", "intranet://sms/news/", 1),
)
_FIRST: Final = [
    "Ada",
    "Alan",
    "Grace",
    "Joan",
    "Tommy",
    "Dana",
    "Fox",
    "Dale",
    "Edsger",
    "Barbara",
    "Donald",
    "Frances",
    "Ken",
    "Radia",
    "Tim",
    "Margaret",
    "Claude",
    "John",
    "Hedy",
    "Katherine",
    "Dennis",
    "Niklaus",
    "Leslie",
    "Shafi",
    "Sophie",
    "Vint",
    "Adele",
    "Bjarne",
    "Guido",
    "Anita",
    "Lynn",
    "Jean",
    "Karen",
    "Ivan",
    "Mary",
    "Annie",
    "Evelyn",
    "Seymour",
    "Marvin",
    "Cynthia",
]
_LAST: Final = [
    "Byron",
    "Turing",
    "Hopper",
    "Clarke",
    "Flowers",
    "Scully",
    "Mulder",
    "Cooper",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Allen",
    "Thompson",
    "Perlman",
    "Berners-Lee",
    "Hamilton",
    "Shannon",
    "Backus",
    "Lamarr",
    "Johnson",
    "Ritchie",
    "Wirth",
    "Lamport",
    "Goldwasser",
    "Wilson",
    "Cerf",
    "Goldberg",
    "Stroustrup",
    "Rossum",
    "Borg",
    "Conway",
    "Sammet",
    "Jones",
    "Sutherland",
    "Keller",
    "Easley",
    "Boyd",
    "Papert",
    "Minsky",
    "Dwork",
]
_SERVICE_WORDS: Final = (
    "Managed workplace",
    "Cloud hosting",
    "Service desk",
    "Network operations",
    "Backup and recovery",
    "Identity management",
    "Database administration",
    "Application support",
    "Security monitoring",
    "Collaboration platform",
    "Data warehouse",
    "Print services",
    "Mobile devices",
    "Payroll platform",
    "Web hosting",
)
_COMPETENCES: Final = (
    "itsm-foundation",
    "iso20000-practitioner",
    "iso20000-auditor",
    "change-practitioner",
    "incident-practitioner",
    "cloud-architect",
    "security-analyst",
    "network-engineer",
    "dba",
    "finance-analyst",
)


def _count(per_l: int, scale: float, minimum: int) -> int:
    return max(minimum, round(per_l * scale))


class _Builder:
    """Builds one system; every random choice comes from one ``random.Random(seed)``."""

    def __init__(self, evidence: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.scale = evidence / TIERS["L"]
        self.evidence_target = evidence
        self.doc: dict[str, Any] = {}
        self.approvals: list[dict[str, Any]] = []
        self.acks: list[dict[str, Any]] = []
        self.evidence: list[dict[str, Any]] = []
        self.improvements: list[dict[str, Any]] = []
        self.risks: list[dict[str, Any]] = []
        self.reviews: list[dict[str, Any]] = []

    # --- small helpers ---------------------------------------------------------------------

    def gap(self, rate: float) -> bool:
        """True for roughly ``rate`` of calls: where a deliberate gap goes."""
        return self.rng.random() < rate

    def day(self, low: int = 0, high: int = _DAYS) -> int:
        return self.rng.randint(low, high)

    def name(self) -> str:
        return f"{self.rng.choice(_FIRST)} {self.rng.choice(_LAST)}"

    def approve(self, subject: str, approver: str, when: int, version: str | None = None) -> None:
        record: dict[str, Any] = {
            "id": f"appr-{subject}",
            "subject": subject,
            "approver": approver,
            "date": _ISO[when],
        }
        if version is not None:
            record["subject_version"] = version
        self.approvals.append(record)

    def ack(self, artefact: str, party: str, when: int, person: str | None = None) -> None:
        record: dict[str, Any] = {
            "id": f"ack-{party}-{artefact}",
            "artefact": artefact,
            "party": party,
            "date": _ISO[when],
        }
        if person is not None:
            record["person"] = person
        self.acks.append(record)

    def add_evidence(
        self,
        kind: str,
        when: int,
        subjects: Sequence[str],
        clauses: Sequence[str],
        location: str,
        *,
        title: str | None = None,
        valid_days: int | None = None,
    ) -> None:
        n = len(self.evidence) + 1
        record: dict[str, Any] = {"id": f"ev-{n:06d}", "kind": kind, "effective": _ISO[when]}
        if title is not None:
            record["title"] = title
        hour = self.rng.randint(6, 20)
        record["collected"] = f"{_ISO[when]}T{hour:02d}:{self.rng.randint(0, 59):02d}:00+00:00"
        if valid_days is not None:
            record["valid_until"] = (_START + timedelta(days=when + valid_days)).isoformat()
        record["subjects"] = list(subjects)
        record["clauses"] = list(clauses)
        if not self.gap(0.01):  # gap: nowhere to find it (4.3.3)
            record["location"] = f"{location}{n}"
        if self.gap(0.1):
            record["digest"] = f"sha256:{self.rng.getrandbits(256):064x}"
        self.evidence.append(record)

    # --- the system ------------------------------------------------------------------------

    def build(self) -> dict[str, Any]:
        s = self.scale
        self.n_customers = _count(1_000, s, 2)
        self.n_suppliers = _count(200, s, 2)
        self.n_groups = _count(10, s, 1)
        self.n_services = _count(5_000, s, 5)
        self.n_lines = max(1, self.n_services // 20)
        self.n_roles_per_line = 6
        self.n_staff = _count(7_000, s, 40)
        self.n_group_staff = _count(500, s, 3)
        self.n_auditors = _count(20, s, 2)
        self.n_changes = _count(8_000, s, 10)

        doc = self.doc
        doc["format_version"] = 1
        doc["name"] = "Synthetic Managed Services"
        doc["provider"] = "prov"
        self.parties()
        self.people_and_roles()
        self.services()
        self.processes()
        self.clause4_frame()
        self.agreements()
        self.documents()
        self.meetings()
        self.line_reviews_audits_reports()
        self.changes()
        self.resources()
        self.fill_evidence()
        doc["approvals"] = self.approvals
        doc["acknowledgements"] = self.acks
        doc["reviews"] = self.reviews
        doc["risks"] = self.risks
        doc["improvements"] = self.improvements
        doc["evidence"] = self.evidence
        order = ("format_version", "name", "provider", "top_management", "scope", "plan")
        collections = [
            "duties",
            "parties",
            "people",
            "roles",
            "policies",
            "objectives",
            "services",
            "processes",
            "other_party_processes",
            "agreements",
            "documents",
            "meetings",
            "approvals",
            "acknowledgements",
            "reviews",
            "audits",
            "reports",
            "risks",
            "changes",
            "resources",
            "improvements",
            "evidence",
        ]
        return {key: doc[key] for key in (*order, *collections)}

    def parties(self) -> None:
        parties: list[dict[str, Any]] = [
            {"id": "prov", "name": "Synthetic Managed Services Ltd", "kind": "provider"}
        ]
        self.groups = [f"grp-{i:03d}" for i in range(1, self.n_groups + 1)]
        parties += [
            {"id": g, "name": f"Group infrastructure {g[-3:]}", "kind": "internal_group"}
            for g in self.groups
        ]
        self.customers = [f"cust-{i:04d}" for i in range(1, self.n_customers + 1)]
        parties += [
            {"id": c, "name": f"Customer {c[-4:]} plc", "kind": "customer"} for c in self.customers
        ]
        self.suppliers = [f"supp-{i:04d}" for i in range(1, self.n_suppliers + 1)]
        # About one supplier in twenty is a sub-contractor of an earlier (lead) supplier.
        n_sub = self.n_suppliers // 20
        self.direct_suppliers = self.suppliers[: self.n_suppliers - n_sub]
        self.lead_of: dict[str, str] = {}
        for sub in self.suppliers[self.n_suppliers - n_sub :]:
            self.lead_of[sub] = self.rng.choice(self.direct_suppliers)
        for supplier in self.suppliers:
            party: dict[str, Any] = {
                "id": supplier,
                "name": f"Supplier {supplier[-4:]} Inc",
                "kind": "supplier",
            }
            if supplier in self.lead_of:
                party["lead_supplier"] = self.lead_of[supplier]
            parties.append(party)
        parties.append(
            {"id": "certbody", "name": "Certification Body", "kind": "other", "interested": False}
        )
        self.doc["parties"] = parties

    def people_and_roles(self) -> None:
        rng = self.rng
        people: list[dict[str, Any]] = [
            {"id": "ceo", "name": "Ada Byron", "party": "prov", "title": "Chief Executive"},
            {"id": "cfo", "name": "Charles Babbage", "party": "prov", "title": "Finance Director"},
            {"id": "coo", "name": "Mary Somerville", "party": "prov", "title": "Operations"},
            {"id": "cto", "name": "Tim Berners-Lee", "party": "prov", "title": "Technology"},
            {"id": "rep", "name": "Grace Hopper", "party": "prov", "title": "Head of SM"},
        ]
        for executive in people[1:]:
            executive["reports_to"] = "ceo"
        self.top = ("ceo", "cfo", "coo", "cto")
        self.auditors = [f"aud-{i:03d}" for i in range(1, self.n_auditors + 1)]
        people += [
            {
                "id": a,
                "name": self.name(),
                "party": "prov",
                "title": "Internal Auditor",
                "reports_to": "rep",
                "competences": ["iso20000-auditor"],
            }
            for a in self.auditors
        ]
        # Staff are split over service lines: a head, three team leads, then team members.
        self.line_heads: list[str] = []
        self.line_staff: list[list[str]] = [[] for _ in range(self.n_lines)]
        per_line = max(6, self.n_staff // self.n_lines)
        for line in range(self.n_lines):
            head = f"sl{line:03d}-head"
            self.line_heads.append(head)
            people.append(
                {
                    "id": head,
                    "name": self.name(),
                    "party": "prov",
                    "title": f"Head of service line {line}",
                    "reports_to": rng.choice(("coo", "cto")),
                    "competences": ["itsm-foundation", "iso20000-practitioner"],
                }
            )
            leads = []
            for j in range(1, per_line):
                pid = f"sl{line:03d}-p{j:03d}"
                if j <= 3:
                    manager = head
                    leads.append(pid)
                else:
                    manager = rng.choice(leads)
                person: dict[str, Any] = {
                    "id": pid,
                    "name": self.name(),
                    "party": "prov",
                    "title": "Team lead" if j <= 3 else "Engineer",
                    "competences": sorted(rng.sample(_COMPETENCES, 2)),
                }
                if not self.gap(0.01):  # gap: a broken reporting line (TM-f)
                    person["reports_to"] = manager
                people.append(person)
                self.line_staff[line].append(pid)
        self.group_people: dict[str, list[str]] = {g: [] for g in self.groups}
        for i in range(self.n_group_staff):
            group = self.groups[i % self.n_groups]
            pid = f"{group}-p{i:04d}"
            members = self.group_people[group]
            person = {"id": pid, "name": self.name(), "party": group, "title": "Engineer"}
            person["reports_to"] = members[0] if members else "coo"
            members.append(pid)
            people.append(person)
        people += [
            {"id": f"{c}-contact", "name": self.name(), "party": c, "title": "IT Manager"}
            for c in self.customers
        ]
        for supplier in self.suppliers:
            manager = f"{supplier}-am"
            people.append(
                {"id": manager, "name": self.name(), "party": supplier, "title": "Account Manager"}
            )
            people.append(
                {
                    "id": f"{supplier}-eng",
                    "name": self.name(),
                    "party": supplier,
                    "title": "Delivery Engineer",
                    "reports_to": manager,
                }
            )
        people.append(
            {"id": "ext-auditor", "name": "Dale Cooper", "party": "certbody", "title": "Auditor"}
        )
        self.doc["people"] = people
        person_by_id = {p["id"]: p for p in people}

        roles: list[dict[str, Any]] = []
        self.line_roles: list[dict[str, str]] = []
        role_kinds = (
            ("mgr", "Service line manager", "itsm-foundation"),
            ("chg", "Change manager", "change-practitioner"),
            ("inc", "Incident manager", "incident-practitioner"),
            ("prb", "Problem manager", "itsm-foundation"),
            ("cfg", "Configuration manager", "itsm-foundation"),
            ("desk", "Service desk analyst", "incident-practitioner"),
        )
        self.role_holders: dict[str, list[str]] = {}
        for line in range(self.n_lines):
            staff = self.line_staff[line]
            mine: dict[str, str] = {}
            for suffix, title, competence in role_kinds:
                rid = f"role-sl{line:03d}-{suffix}"
                mine[suffix] = rid
                holders = rng.sample(staff, min(len(staff), rng.randint(1, 4)))
                self.role_holders[rid] = holders
                for holder in holders:
                    have = person_by_id[holder]["competences"]
                    if competence not in have and not self.gap(0.03):  # gap: not competent
                        have.append(competence)
                        have.sort()
                role: dict[str, Any] = {
                    "id": rid,
                    "name": f"{title}, service line {line}",
                    "party": "prov",
                    "holders": holders,
                    "responsibilities": [f"{title} duties for service line {line}"],
                    "competences": [competence],
                }
                if not self.gap(0.02):  # gap: a role without stated authorities (4.1.3)
                    role["authorities"] = [f"Act as {title.lower()}"]
                roles.append(role)
            self.line_roles.append(mine)
        self.doc["roles"] = roles

    def services(self) -> None:
        rng = self.rng
        services: list[dict[str, Any]] = []
        self.line_services: list[list[str]] = [[] for _ in range(self.n_lines)]
        self.line_of: dict[str, int] = {}
        self.stage_of: dict[str, str] = {}
        self.live: list[str] = []
        self.customers_of: dict[str, list[str]] = {}
        self.supported_by: dict[str, list[str]] = {}
        self.sla_of: dict[str, str] = {}
        stages = ("live",) * 92 + ("design",) * 3 + ("transition",) * 2 + ("planned",) * 2
        for i in range(self.n_services):
            sid = f"svc-{i + 1:05d}"
            line = i % self.n_lines
            self.line_services[line].append(sid)
            self.line_of[sid] = line
            customers = [self.customers[i % self.n_customers]]
            for _ in range(rng.randint(0, 2)):
                extra = rng.choice(self.customers)
                if extra not in customers:
                    customers.append(extra)
            stage = "removed" if self.gap(0.01) else rng.choice(stages)
            support = [self.groups[line % self.n_groups]]
            if rng.random() < 0.3:
                support.append(rng.choice(self.suppliers))
            service: dict[str, Any] = {
                "id": sid,
                "name": f"{rng.choice(_SERVICE_WORDS)} {i + 1}",
                "customers": customers,
                "stage": stage,
                "owner": self.line_roles[line]["mgr"]
                if rng.random() < 0.5
                else self.line_heads[line],
            }
            if not (stage == "live" and self.gap(0.03)):  # gap: live service without an SLA
                service["agreement"] = f"sla-{i + 1:05d}"
                self.sla_of[sid] = service["agreement"]
            levels = [{"metric": "P1 resolution", "target": f"{rng.choice((2, 4, 8))} hours"}]
            if not self.gap(0.02):  # gap: no availability target (6.3.1)
                levels.insert(
                    0, {"metric": "availability", "target": rng.choice(("99.5%", "99.9%"))}
                )
            service["service_levels"] = levels
            service["requirements"] = ["Service desk 08:00-18:00", "Monthly service report"]
            if rng.random() < 0.1:
                service["requirements_changed"] = _ISO[self.day(300, 700)]
            service["supported_by"] = support
            services.append(service)
            self.stage_of[sid] = stage
            if stage == "live":
                self.live.append(sid)
            self.customers_of[sid] = customers
            self.supported_by[sid] = support
        self.doc["services"] = services

    def processes(self) -> None:
        rng = self.rng
        processes: list[dict[str, Any]] = []
        for kind, pid, owner in _CLAUSE4_PROCESSES:
            process: dict[str, Any] = {"id": pid, "kind": kind, "owner": owner}
            process["definition"] = f"doc-{pid}"
            if pid == "p-audit":
                process["responsible"] = list(self.auditors[:2])
            processes.append(process)
        self.line_processes: list[dict[str, str]] = []
        self.process_owner: dict[str, str] = {}
        opps: list[dict[str, Any]] = []
        self.outsourced: list[tuple[str, str]] = []  # (process, supplier)
        for line in range(self.n_lines):
            roles = self.line_roles[line]
            head = self.line_heads[line]
            staff = self.line_staff[line]
            mine = {suffix: f"p-sl{line:03d}-{suffix}" for _, suffix in _LINE_PROCESSES}
            self.line_processes.append(mine)
            outsourced = set(rng.sample(_OUTSOURCEABLE, rng.randint(4, 5)))
            for kind, suffix in _LINE_PROCESSES:
                pid = mine[suffix]
                owner = roles.get(suffix, head) if rng.random() < 0.6 else rng.choice(staff[:3])
                self.process_owner[pid] = owner
                process = {
                    "id": pid,
                    "kind": kind,
                    "name": f"{kind.replace('_', ' ').capitalize()}, service line {line}",
                    "owner": owner,
                    "responsible": rng.sample(staff, min(len(staff), 2)),
                }
                if not self.gap(0.02):  # gap: an undocumented process (4.3.1)
                    process["definition"] = f"doc-{pid}"
                if suffix == "inc":
                    process["procedures"] = ["doc-major-incident"]
                elif suffix == "chg":
                    process["procedures"] = ["doc-emergency-change"]
                elif suffix == "rel":
                    process["procedures"] = ["doc-emergency-release"]
                if suffix in _LINE_INTERFACES:
                    process["interfaces"] = [mine[s] for s in _LINE_INTERFACES[suffix]]
                if suffix in outsourced:
                    supplier = rng.choice(self.direct_suppliers)
                    process["operated_by"] = supplier
                    self.outsourced.append((pid, supplier))
                    opp: dict[str, Any] = {
                        "id": f"opp-{pid}",
                        "party": supplier,
                        "process": pid,
                    }
                    if not self.gap(0.02):  # gap: no documented agreement (APP-5)
                        opp["agreement"] = f"con-{supplier}"
                    opp["accountable"] = owner
                    controls = list(_CONTROLS)
                    if self.gap(0.04):  # gap: a governance control not exercised (4.2)
                        controls.remove(rng.choice(_CONTROLS))
                    opp["controls"] = controls
                    opp["engagement"] = "ongoing"
                    opp["start"] = _ISO[self.day(0, 200)]
                    opps.append(opp)
                processes.append(process)
        self.doc["processes"] = processes
        self.doc["other_party_processes"] = opps

    def clause4_frame(self) -> None:
        """Top management, scope, plan, duties, policies and objectives (Clause 4)."""
        doc = self.doc
        interested = ["prov", *self.groups, *self.customers, *self.suppliers]
        doc["top_management"] = {
            "members": list(self.top),
            "representative": "rep",
            "representative_appointment": "appr-rep",
        }
        self.approvals.append(
            {"id": "appr-rep", "subject": "rep", "approver": "ceo", "date": _ISO[5]}
        )
        doc["scope"] = {
            "statement": "All managed IT services delivered by Synthetic Managed Services.",
            "organisational_units": ["prov", *self.groups],
            "services": [s["id"] for s in doc["services"] if s["stage"] != "removed"],
            "locations": ["Leeds", "Manchester", "Glasgow"],
        }
        self.approve("scope", "ceo", 5)
        objectives = [f"obj-{i}" for i in range(1, 5)]
        doc["plan"] = {
            "id": "plan-1",
            "title": "Service management plan",
            "version": "2",
            "status": "implemented",
            "drafted_by": "prov",
            "owner": "rep",
            "maintained_by": "prov",
            "agreed_on": _ISO[20],
            "topics": [
                "objectives",
                "service_requirements",
                "known_limitations",
                "policies_and_obligations",
                "authorities_and_responsibilities",
                "resources",
                "other_parties",
                "process_interfaces",
                "risk_management",
                "technology",
                "measurement_and_improvement",
            ],
            "objectives": objectives,
            "business_objectives": ["Grow managed-service revenue by 10% a year"],
        }
        self.approve("plan-1", "ceo", 20, "2")
        duties: tuple[tuple[str, str, list[str]], ...] = (
            ("management_commitment", "ceo", ["rep"]),
            ("service_management_policy", "ceo", ["rep"]),
            ("authority_and_communication", "ceo", ["rep"]),
            ("management_representative", "ceo", []),
            ("governance_of_other_parties", "rep", [self.line_heads[0]]),
            ("documentation_management", "rep", []),
            ("resource_management", "cfo", []),
            ("scope", "ceo", ["rep"]),
            ("sms_planning", "rep", []),
            ("sms_operation", "rep", ["coo"]),
            ("sms_monitoring", "rep", []),
            ("internal_audit", "rep", [self.auditors[0]]),
            ("management_review", "ceo", []),
            ("improvement", "rep", []),
        )
        doc["duties"] = [
            {"duty": d, "accountable": a, **({"responsible": r} if r else {})} for d, a, r in duties
        ]
        policies = (
            ("pol-sm", "service_management", "Service management policy", interested),
            ("pol-ci", "continual_improvement", "Continual improvement policy", ["prov"]),
            ("pol-is", "information_security", "Information security policy", interested),
            ("pol-chg", "change", "Change management policy", ["prov", *self.groups]),
            ("pol-rel", "release", "Release policy", ["prov", *self.groups]),
            ("pol-ba", "budgeting_and_accounting", "Budgeting and accounting policy", ["prov"]),
        )
        doc["policies"] = []
        for pid, kind, title, to in policies:
            policy: dict[str, Any] = {
                "id": pid,
                "kind": kind,
                "title": title,
                "owner": "rep",
                "issued": _ISO[10],
                "communicated_to": to,
            }
            if kind == "service_management":
                policy["commitments"] = [
                    "meet_service_requirements",
                    "continual_improvement",
                    "framework_for_objectives",
                ]
            doc["policies"].append(policy)
            self.approve(pid, "ceo", 10)
        self.reviews.append(
            {
                "id": "rev-policy",
                "kind": "policy_review",
                "date": _ISO[_DAYS - 200],
                "chair": "rep",
                "attendees": ["ceo"],
                "subjects": [p[0] for p in policies],
            }
        )
        self.reviews.append(
            {
                "id": "rev-plan",
                "kind": "plan_review",
                "date": _ISO[_DAYS - 190],
                "chair": "rep",
                "attendees": ["ceo"],
                "subjects": ["plan-1"],
            }
        )
        doc["objectives"] = []
        targets = ("95% of P1 incidents in 4 hours", "Survey score 4.2", "Churn below 5%", "NPS 40")
        for i, oid in enumerate(objectives):
            doc["objectives"].append(
                {
                    "id": oid,
                    "statement": f"Service management objective {i + 1}",
                    "owner": "rep",
                    "target": targets[i],
                    "due": (AS_OF + timedelta(days=200)).isoformat(),
                    "measurements": [
                        {"date": _ISO[_DAYS - 150], "value": "below", "met": False},
                        {"date": _ISO[_DAYS - 60], "value": "on target", "met": True},
                    ],
                    "business_objectives": ["Keep customer churn below 5%"],
                    "resources": ["res-people", "res-budget"],
                }
            )
            self.approve(oid, "ceo", 15)
        # Every interested party acknowledges the scope, the policy and the objectives (TM-c).
        for party in interested:
            contact = f"{party}-contact" if party.startswith("cust-") else None
            for artefact in ("scope", "pol-sm", *objectives):
                if not self.gap(0.01):
                    self.ack(artefact, party, self.day(20, 60), contact)
        for offset, (_kind, pid, _owner) in enumerate(_CLAUSE4_PROCESSES):
            self.approve(pid, "ceo", 12 + offset)
        for line in self.line_processes:
            for pid in line.values():
                if not self.gap(0.02):  # gap: a process top management never approved (EV-d)
                    self.approve(pid, self.rng.choice(self.top), self.day(12, 100))

    def agreements(self) -> None:
        rng = self.rng
        agreements: list[dict[str, Any]] = []
        for sid, sla in self.sla_of.items():
            parties = ["prov", *self.customers_of[sid]]
            agreements.append(
                {
                    "id": sla,
                    "kind": "service_level_agreement",
                    "title": f"SLA for {sid}",
                    "parties": parties,
                    "owner": self.line_heads[self.line_of[sid]],
                    "services": [sid],
                    "terms": list(_TERMS),
                    "accessible_to": parties,
                    "effective": _ISO[self.day(0, 100)],
                }
            )
        for supplier in self.suppliers:
            lead = self.lead_of.get(supplier)
            parties = [lead, supplier] if lead else ["prov", supplier]
            expires = AS_OF + timedelta(days=rng.randint(100, 900))
            if self.gap(0.02):  # gap: a lapsed supplier contract (7.2)
                expires = AS_OF - timedelta(days=rng.randint(10, 100))
            agreements.append(
                {
                    "id": f"con-{supplier}",
                    "kind": "contract",
                    "title": f"Contract with {supplier}",
                    "parties": parties,
                    "owner": rng.choice(self.line_heads),
                    "services": [],
                    "terms": [*_TERMS, "interfaces"],
                    "accessible_to": parties,
                    "effective": _ISO[self.day(0, 60)],
                    "expires": expires.isoformat(),
                }
            )
        for group in self.groups:
            supported = [s for s in self.live if group in self.supported_by[s]]
            agreements.append(
                {
                    "id": f"ola-{group}",
                    "kind": "operational_level_agreement",
                    "title": f"OLA with {group}",
                    "parties": ["prov", group],
                    "owner": "rep",
                    "services": supported,
                    "terms": list(_TERMS),
                    "accessible_to": ["prov", group],
                    "effective": _ISO[10],
                }
            )
        self.doc["agreements"] = agreements

    def documents(self) -> None:
        documents: list[dict[str, Any]] = []

        def issue(
            did: str,
            kind: str,
            title: str,
            owner: str,
            when: int,
            subjects: Sequence[str] = (),
            approver: str = "rep",
        ) -> None:
            record: dict[str, Any] = {
                "id": did,
                "kind": kind,
                "title": title,
                "owner": owner,
                "issued": _ISO[when],
            }
            if subjects:
                record["subjects"] = list(subjects)
            documents.append(record)
            if not self.gap(0.02):  # gap: an issued document nobody approved (4.3.2)
                self.approve(did, approver, when)

        issue("doc-catalogue", "service_catalogue", "Service catalogue", "rep", 400, self.live)
        for kind, pid, owner in _CLAUSE4_PROCESSES:
            issue(f"doc-{pid}", "process_definition", f"{kind} definition", owner, 10, [pid], "ceo")
        globals_ = (
            ("doc-comms", "communication_procedure", "SMS communication procedure"),
            ("doc-records", "records_procedure", "Control of records"),
            ("doc-audit-programme", "audit_programme", "Audit programme"),
            ("doc-controls", "security_controls", "Information security controls"),
            ("doc-complaints", "complaint_procedure", "Service complaints procedure"),
            ("doc-major-incident", "major_incident_procedure", "Major incident procedure"),
            ("doc-emergency-change", "emergency_change_procedure", "Emergency change procedure"),
            ("doc-emergency-release", "emergency_release_procedure", "Emergency release"),
            ("doc-ci-types", "configuration_item_types", "Configuration item types"),
            ("doc-report-def", "report_definition", "Service report definitions"),
        )
        for did, kind, title in globals_:
            issue(did, kind, title, "rep", 10)
        for line, mine in enumerate(self.line_processes):
            head = self.line_heads[line]
            services = self.line_services[line]
            for pid in mine.values():
                when = self.day(5, 60)
                did = f"doc-{pid}"
                if self.rng.random() < 0.05:
                    # An earlier version, superseded; a few were never marked obsolete (4.3.2).
                    old = {
                        "id": f"{did}-v1",
                        "kind": "process_definition",
                        "title": f"Definition of {pid} (first issue)",
                        "owner": head,
                        "issued": _ISO[0],
                        "status": "issued" if self.gap(0.2) else "obsolete",
                        "subjects": [pid],
                    }
                    documents.append(old)
                    issue(did, "process_definition", f"Definition of {pid}", head, when, [pid])
                    documents[-1]["version"] = "2"
                    documents[-1]["supersedes"] = old["id"]
                else:
                    issue(did, "process_definition", f"Definition of {pid}", head, when, [pid])
            for kind in ("continuity_plan", "availability_plan", "capacity_plan"):
                did = f"doc-sl{line:03d}-{kind.split('_')[0]}"
                issue(did, kind, f"{kind.replace('_', ' ')} {line}", head, 300, services)
            tag = f"sl{line:03d}"
            title = f"Security controls of service line {line}"
            issue(f"doc-{tag}-controls", "security_controls", title, head, 250, [f"risk-{tag}-sec"])
            # Services on their way in have a design and a transition plan (5.2, 5.3).
            for sid in services:
                if self.stage_of[sid] in ("planned", "design", "transition") and not self.gap(0.1):
                    when = self.day(_DAYS - 200, _DAYS - 30)
                    issue(
                        f"doc-{sid}-design", "service_design", f"Design of {sid}", head, when, [sid]
                    )
                    title = f"Transition plan for {sid}"
                    issue(f"doc-{sid}-transition", "transition_plan", title, head, when, [sid])
        self.doc["documents"] = documents

    def meetings(self) -> None:
        meetings: list[dict[str, Any]] = []
        for month in range(24):
            when = min(_DAYS, month * 30 + 9)
            meetings.append(
                {
                    "id": f"mtg-sms-{month:02d}",
                    "kind": "planning",
                    "date": _ISO[when],
                    "chair": "ceo",
                    "attendees": ["cfo", "coo", "cto", "rep"],
                    "stages": [_STAGES[month % 8], _STAGES[(month + 3) % 8]],
                    "topics": [f"SMS monthly meeting {month + 1}"],
                }
            )
        for line in range(self.n_lines):
            staff = self.line_staff[line]
            for quarter in range(8):
                meetings.append(
                    {
                        "id": f"mtg-sl{line:03d}-q{quarter}",
                        "kind": "operational",
                        "date": _ISO[quarter * 91 + self.rng.randint(0, 60)],
                        "chair": self.line_heads[line],
                        "attendees": self.rng.sample(staff, min(len(staff), 5)),
                        "stages": ["operation", "monitoring"],
                        "subjects": list(self.line_processes[line].values())[:4],
                    }
                )
        self.doc["meetings"] = meetings

    def line_reviews_audits_reports(self) -> None:
        """Reviews, audits and reports of the SMS, of each service line and of the parties,
        the risks of each service line, and the customers' acknowledgements."""
        audits: list[dict[str, Any]] = []
        reports: list[dict[str, Any]] = []
        self.sms_reviews_reports_audits(audits, reports)
        for line in range(self.n_lines):
            self.line_reviews(line)
            for year in range(2):
                self.line_year_reviews_audits(line, year, audits)
            self.line_reports(line, reports)
            self.line_risks(line)
        self.party_reviews()
        self.acknowledgements()
        self.doc["audits"] = audits
        self.doc["reports"] = reports

    def sms_reviews_reports_audits(
        self, audits: list[dict[str, Any]], reports: list[dict[str, Any]]
    ) -> None:
        """The SMS-wide management reviews, quarterly reports and external audits."""
        for year, when in ((0, _DAYS - 345), (1, _DAYS - 17)):
            self.reviews.append(
                {
                    "id": f"rev-mgmt-{year}",
                    "kind": "management_review",
                    "date": _ISO[when],
                    "chair": "ceo",
                    "attendees": ["cfo", "coo", "cto", "rep"],
                    "subjects": ["p-sms"],
                    "inputs": list(_REVIEW_INPUTS),
                    "outputs": ["Fund the monitoring upgrade"],
                }
            )
        for quarter in range(8):
            reports.append(
                {
                    "id": f"rpt-sms-q{quarter}",
                    "kind": "sms_performance",
                    "date": _ISO[quarter * 91 + 45],
                    "author": "rep",
                    "recipients": ["ceo", "cfo"],
                    "subjects": ["p-sms"],
                    "definition": "doc-report-def",
                }
            )
            for kind, author in (("financial", "cfo"), ("security", "rep")):
                reports.append(
                    {
                        "id": f"rpt-{kind}-q{quarter}",
                        "kind": kind,
                        "date": _ISO[quarter * 91 + 50],
                        "author": author,
                        "recipients": ["ceo"],
                        "subjects": ["p-sms"],
                        "definition": "doc-report-def",
                    }
                )
        for year in range(2):
            audits.append(
                {
                    "id": f"aud-ext-{year}",
                    "kind": "external",
                    "date": _ISO[year * 365 + 250],
                    "auditor": "ext-auditor",
                    "processes": ["p-sms"],
                }
            )

    def line_reviews(self, line: int) -> None:
        """The service level reviews of one service line, every half year."""
        services = self.line_services[line]
        live = [s for s in services if s in self.sla_of]
        for half in range(4):
            if self.gap(0.03):
                continue  # gap: a missed service level review (6.1)
            self.reviews.append(
                {
                    "id": f"rev-sl{line:03d}-sla-{half}",
                    "kind": "service_level_review",
                    "date": _ISO[half * 182 + self.rng.randint(0, 150)],
                    "chair": self.line_heads[line],
                    "subjects": [*services, *(self.sla_of[s] for s in live)],
                }
            )

    def line_year_reviews_audits(self, line: int, year: int, audits: list[dict[str, Any]]) -> None:
        """One year of a service line: its continuity test, security risk assessment, internal
        audit (with its nonconformities) and configuration audit."""
        rng = self.rng
        head = self.line_heads[line]
        services = self.line_services[line]
        procs = self.line_processes[line]
        tag = f"sl{line:03d}"
        base = year * 365
        self.reviews.append(
            {
                "id": f"rev-{tag}-cont-{year}",
                "kind": "continuity_test",
                "date": _ISO[base + rng.randint(100, 360)],
                "chair": head,
                "subjects": [f"doc-{tag}-continuity", *services],
            }
        )
        self.reviews.append(
            {
                "id": f"rev-{tag}-secrisk-{year}",
                "kind": "security_risk_assessment",
                "date": _ISO[base + rng.randint(30, 300)],
                "chair": head,
                "subjects": [f"risk-{tag}-sec", *services],
            }
        )
        audit_id = f"aud-{tag}-int-{year}"
        ncs = self.nonconformities(audit_id, f"imp-{tag}-{year}", base, head)
        audits.append(
            {
                "id": audit_id,
                "kind": "internal",
                "date": _ISO[base + rng.randint(100, 118)],
                "auditor": rng.choice(self.auditors),
                "processes": rng.sample(sorted(procs.values()), 4),
                "programme": "doc-audit-programme",
                "nonconformities": ncs,
            }
        )
        audits.append(
            {
                "id": f"aud-{tag}-cfg-{year}",
                "kind": "configuration",
                "date": _ISO[base + rng.randint(150, 360)],
                "auditor": rng.choice(self.auditors),
                "processes": [procs["cfg"]],
            }
        )

    def nonconformities(self, audit_id: str, prefix: str, base: int, owner: str) -> list[str]:
        """Up to two nonconformities raised by an internal audit, most with an approved
        corrective action; returns their ids."""
        ncs = []
        for k in range(self.rng.randint(0, 2)):
            raised = base + self.rng.randint(120, 300)
            nc = f"{prefix}-nc{k}"
            ncs.append(nc)
            closed = None if self.gap(0.1) else _ISO[min(_DAYS, raised + 40)]
            self.improvements.append(
                {
                    "id": nc,
                    "kind": "nonconformity",
                    "title": f"Nonconformity {k + 1} of {audit_id}",
                    "raised": _ISO[raised],
                    "source": audit_id,
                    "owner": owner,
                    **({"closed": closed} if closed else {}),
                }
            )
            if not self.gap(0.05):  # gap: a nonconformity without corrective action
                ca = f"{nc}-ca"
                self.improvements.append(
                    {
                        "id": ca,
                        "kind": "corrective_action",
                        "title": f"Correct {nc}",
                        "raised": _ISO[raised + 3],
                        "source": nc,
                        "owner": owner,
                        "priority": 2,
                        "approved_by": "rep",
                        "target": "No recurrence at the next audit",
                        **({"closed": closed} if closed else {}),
                    }
                )
                self.approve(ca, "rep", raised + 4)
        return ncs

    def line_reports(self, line: int, reports: list[dict[str, Any]]) -> None:
        """The monthly service reports of a service line, and its quarterly availability and
        capacity reports."""
        head = self.line_heads[line]
        services = self.line_services[line]
        tag = f"sl{line:03d}"
        for month in range(24):
            recipients = sorted({f"{c}-contact" for s in services for c in self.customers_of[s]})
            reports.append(
                {
                    "id": f"rpt-{tag}-svc-{month:02d}",
                    "kind": "service",
                    "date": _ISO[month * 30 + 5],
                    "author": head,
                    "recipients": recipients[:10],
                    "subjects": services,
                    "definition": "doc-report-def",
                }
            )
            if month % 3 == 0:
                for kind in ("availability", "capacity"):
                    reports.append(
                        {
                            "id": f"rpt-{tag}-{kind}-{month:02d}",
                            "kind": kind,
                            "date": _ISO[month * 30 + 6],
                            "author": head,
                            "recipients": ["rep"],
                            "subjects": services,
                            "definition": "doc-report-def",
                        }
                    )

    def line_risks(self, line: int) -> None:
        """The security risk of a service line and the continuity risk of each of its
        services."""
        rng = self.rng
        head = self.line_heads[line]
        services = self.line_services[line]
        tag = f"sl{line:03d}"
        self.risks.append(
            {
                "id": f"risk-{tag}-sec",
                "title": f"Compromise of administrator accounts in service line {line}",
                "subjects": services,
                "owner": head,
                "assessed": _ISO[_DAYS - rng.randint(30, 300)],
                "likelihood": rng.randint(1, 5),
                "impact": rng.randint(2, 5),
                "status": "treated",
                "treatment": "Multi-factor authentication",
            }
        )
        for sid in services:
            risk: dict[str, Any] = {
                "id": f"risk-{sid}-cont",
                "title": f"Loss of the data centre hosting {sid}",
                "subjects": [sid],
                "owner": head,
                "assessed": _ISO[_DAYS - rng.randint(10, 500 if self.gap(0.03) else 330)],
                "likelihood": rng.randint(1, 5),
                "impact": rng.randint(1, 5),
                "status": "treated",
            }
            if not self.gap(0.03):  # gap: a risk assessed but never decided on (4.5.3)
                risk["treatment"] = "Fail over to the secondary site"
            self.risks.append(risk)

    def party_reviews(self) -> None:
        """Customers and suppliers are reviewed once a year."""
        rng = self.rng
        for customer in self.customers:
            for year in range(2):
                if self.gap(0.02):
                    continue
                self.reviews.append(
                    {
                        "id": f"rev-{customer}-{year}",
                        "kind": "customer_service_review",
                        "date": _ISO[year * 365 + rng.randint(100, 360)],
                        "chair": rng.choice(self.line_heads),
                        "attendees": [f"{customer}-contact"],
                        "subjects": [customer],
                    }
                )
        for supplier in self.suppliers:
            for year in range(2):
                self.reviews.append(
                    {
                        "id": f"rev-{supplier}-{year}",
                        "kind": "supplier_performance_review",
                        "date": _ISO[year * 365 + rng.randint(100, 360)],
                        "chair": rng.choice(self.line_heads),
                        "attendees": [f"{supplier}-am"],
                        "subjects": [supplier, f"con-{supplier}"],
                    }
                )

    def acknowledgements(self) -> None:
        """Customers acknowledge the services they use and the catalogue (6.1, TM-c)."""
        for sid in self.customers_of:
            for customer in self.customers_of[sid]:
                if not self.gap(0.01):
                    self.ack(sid, customer, self.day(100, 400), f"{customer}-contact")
        for customer in self.customers:
            self.ack("doc-catalogue", customer, self.day(401, 500), f"{customer}-contact")

    def changes(self) -> None:
        rng = self.rng
        changes: list[dict[str, Any]] = []
        for i in range(self.n_changes):
            line = rng.randrange(self.n_lines)
            cid = f"chg-{i + 1:06d}"
            raised = self.day(0, _DAYS - 5)
            change: dict[str, Any] = {
                "id": cid,
                "title": f"Change {i + 1}",
                "raised": _ISO[raised],
                "subjects": [rng.choice(self.line_services[line])],
            }
            implemented = raised + rng.randint(2, 30) if rng.random() < 0.9 else None
            if implemented is not None and implemented > _DAYS:
                implemented = None
            if not self.gap(0.03):  # gap: a change without a risk assessment (TM-h)
                rid = f"risk-{cid}"
                assessed = raised + 1
                if implemented is not None and self.gap(0.02):
                    assessed = implemented + 1  # gap: assessed after the change went in
                self.risks.append(
                    {
                        "id": rid,
                        "title": f"Risk of change {i + 1}",
                        "subjects": [cid],
                        "owner": self.line_roles[line]["chg"],
                        "assessed": _ISO[min(assessed, _DAYS)],
                        "likelihood": rng.randint(1, 3),
                        "impact": rng.randint(1, 3),
                        "status": "closed",
                    }
                )
                change["risk_assessment"] = rid
            if not self.gap(0.02):  # gap: nobody approved it (9.2)
                change["approved_by"] = self.line_roles[line]["chg"]
            if rng.random() < 0.03:
                change["emergency"] = True
            if implemented is not None:
                change["implemented"] = _ISO[implemented]
                reviewed = implemented + rng.randint(3, 20)
                if reviewed <= _DAYS and not self.gap(0.03):  # gap: never reviewed (9.2)
                    change["reviewed"] = _ISO[reviewed]
            changes.append(change)
        self.doc["changes"] = changes

    def resources(self) -> None:
        resources: list[dict[str, Any]] = [
            {
                "id": "res-people",
                "kind": "human",
                "description": "Service management office",
                "allocated_to": ["obj-1", "obj-2", "obj-3", "obj-4", "p-sms"],
                "provided": _ISO[30],
            },
            {
                "id": "res-budget",
                "kind": "financial",
                "description": "SMS budget",
                "amount": "GBP 2500000",
                "allocated_to": ["obj-1", "obj-2", "obj-3", "obj-4", "p-sms"],
                "provided": _ISO[30],
            },
            {
                "id": "res-tooling",
                "kind": "technical",
                "description": "Service management tool",
                "allocated_to": ["p-sms"],
                "provided": _ISO[30],
            },
            {
                "id": "res-data",
                "kind": "information",
                "description": "Customer survey data",
                "allocated_to": ["p-sms"],
                "provided": _ISO[30],
            },
        ]
        for line, mine in enumerate(self.line_processes):
            for kind in ("human", "technical", "information", "financial"):
                resource: dict[str, Any] = {
                    "id": f"res-sl{line:03d}-{kind}",
                    "kind": kind,
                    "description": f"{kind.capitalize()} resources of service line {line}",
                    "allocated_to": [mine["inc"], mine["chg"], mine["slm"]],
                    "provided": _ISO[self.day(10, 100)],
                }
                if self.gap(0.01):  # gap: withdrawn from the SMS (EV-x)
                    resource["withdrawn"] = _ISO[self.day(500, _DAYS)]
                resources.append(resource)
        self.doc["resources"] = resources

    def fill_evidence(self) -> None:
        """Evidence the rules look for first, then operational records up to the target."""
        rng = self.rng
        recent = _DAYS - 60
        add = self.add_evidence
        add("awareness", _DAYS - 200, ["prov"], ["4.4.2"], "intranet://sms/awareness/")
        add("communication", _DAYS - 30, ["p-sms"], ["4.1.3"], "intranet://sms/news/")
        for role, holders in self.role_holders.items():
            for holder in holders:
                if not self.gap(0.03):  # gap: a role holder without a training record
                    add(
                        "training-record",
                        self.day(0, _DAYS),
                        [holder, role],
                        ["4.4.2"],
                        "hr-system://training/",
                        valid_days=730,
                    )
        for line, mine in enumerate(self.line_processes):
            tag = f"sl{line:03d}"
            for kind, clause, target, location, _ in _OPERATIONAL_EVIDENCE[:7]:
                if not self.gap(0.03):  # gap: the line's records stopped a while ago
                    add(kind, self.day(recent, _DAYS), [mine[target]], [clause], location)
            if rng.random() < 0.3:
                major = len(self.evidence) + 1
                when = self.day(recent - 200, recent)
                add("major-incident", when, [mine["inc"]], ["8.1"], "itsm-tool://major/")
                if not self.gap(0.2):
                    add(
                        "major-incident-report",
                        when + 2,
                        [f"ev-{major:06d}", "coo"],
                        ["8.1"],
                        f"itsm-tool://major/{tag}/",
                    )
        for sid in self.live:
            for kind, clause, location in (
                ("availability-monitoring", "6.3.3", "monitoring://availability/"),
                ("capacity-monitoring", "6.5", "monitoring://capacity/"),
                ("budget", "6.4", "finance://budgets/"),
                ("cost-accounting", "6.4", "finance://cost-accounts/"),
            ):
                if not self.gap(0.03):
                    add(kind, self.day(recent, _DAYS), [sid], [clause], location)
        for customer in self.customers:
            add("satisfaction-survey", self.day(recent - 200, _DAYS), [customer], ["7.1"], "crm://")
        add("security-incident-record", _DAYS - 20, ["p-sms"], ["6.6.3"], "itsm-tool://sec/")

        # Operational records, spread over the two years, up to the evidence target.
        kinds = [k for k in _OPERATIONAL_EVIDENCE for _ in range(k[4])]
        subject_of: dict[str, Callable[[int], str]] = {
            "service": lambda line: rng.choice(self.line_services[line]),
            "customer": lambda line: rng.choice(self.customers),
            "sms": lambda line: "p-sms",
        }
        remaining = self.evidence_target - len(self.evidence)
        if remaining < 0:
            raise AssertionError(
                f"required evidence ({len(self.evidence)}) exceeds the tier's evidence target"
            )
        for _ in range(remaining):
            kind, clause, target, location, _w = rng.choice(kinds)
            line = rng.randrange(self.n_lines)
            pick = subject_of.get(target)
            subject = pick(line) if pick is not None else self.line_processes[line][target]
            subjects = [subject]
            if rng.random() < 0.2:
                subjects.append(rng.choice(self.line_staff[line]))
            add(kind, self.day(), subjects, [clause], location)
        # Evidence in file order is oldest first, as an export from a records system would be.
        # Ids were handed out in creation order, so they are re-numbered after sorting; the
        # major-incident reports name their incident by id, so those links are remapped.
        self.evidence.sort(key=lambda e: (e["effective"], e["id"]))
        renumber = {e["id"]: f"ev-{i + 1:06d}" for i, e in enumerate(self.evidence)}
        for record in self.evidence:
            record["id"] = renumber[record["id"]]
            if record["kind"] == "major-incident-report":
                record["subjects"] = [renumber.get(s, s) for s in record["subjects"]]


def generate(tier: str, seed: int = 0) -> dict[str, Any]:
    """A synthetic SMS for ``tier`` (``"XS"``, ``"S"``, ``"M"`` or ``"L"``) as plain JSON-able
    data in the ``sms_model`` file format; the same tier and seed always give the same data.

    >>> data = generate("XS")
    >>> len(data["evidence"]), data["format_version"], data == generate("XS")
    (100, 1, True)
    """
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}; expected one of {', '.join(TIERS)}")
    return _Builder(TIERS[tier], seed).build()


def data_path(tier: str, seed: int = 0) -> Path:
    """Where the runner caches the JSON of a tier: ``benchmarks/data/<tier>.json``."""
    return DATA_DIR / (f"{tier}.json" if seed == 0 else f"{tier}-seed{seed}.json")


def write(tier: str, seed: int = 0, path: Path | None = None) -> Path:
    """Generate ``tier`` and write it as compact JSON; returns the path written."""
    path = path or data_path(tier, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(generate(tier, seed), separators=(",", ":"))
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print a tier as JSON, or write it under ``benchmarks/data``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tier", choices=sorted(TIERS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", action="store_true", help="write benchmarks/data/<tier>.json")
    args = parser.parse_args(argv)
    if args.write:
        print(write(args.tier, args.seed))
    else:
        json.dump(generate(args.tier, args.seed), sys.stdout, separators=(",", ":"))
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
