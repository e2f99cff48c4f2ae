"""The commented starter file written by ``sms-model init``."""

from __future__ import annotations

from typing import Final

__all__ = ["STARTER", "STARTER_2018"]

#: The YAML text of a commented starter SMS, valid as it stands, as ``sms-model init`` writes it.
STARTER: Final = """\
# A starter service management system (SMS) for sms_model.
# Edit the names and ids, add your services, processes and records, then run:
#   sms-model validate this-file.yaml
#   sms-model assess this-file.yaml
# Ids must be unique across the whole file; records refer to entities by id.
format_version: 1
name: Example Services
provider: example            # the party id of the service provider itself

top_management:              # who directs and controls the provider (ISO/IEC 20000-1, 4.1.1)
  members: [ceo]
  representative: sm-lead    # the management representative (4.1.4)
  representative_appointment: appr-representative

scope:                       # 4.5.1: organisational units and services in scope
  statement: All managed services delivered by Example Services.
  organisational_units: [example]
  services: [svc-desk]

parties:
  - {id: example, name: Example Services Ltd, kind: provider}
  - {id: customer-1, name: First Customer, kind: customer}

people:
  - {id: ceo, name: Chief Executive, party: example}
  - {id: sm-lead, name: Service Management Lead, party: example, reports_to: ceo}

policies:
  - id: pol-sm
    kind: service_management  # 4.1.2
    title: Service management policy
    owner: sm-lead
    issued: 2026-01-05
    commitments: [meet_service_requirements, continual_improvement, framework_for_objectives]
    communicated_to: [example, customer-1]

objectives:
  - {id: obj-1, statement: Answer service desk calls quickly, owner: sm-lead,
     target: 90% answered within 30 seconds, due: 2026-12-31}

services:
  - {id: svc-desk, name: Service desk, customers: [customer-1], owner: sm-lead}

processes:                   # add one per process of Clauses 5 to 9, plus the SMS itself
  - {id: p-sms, kind: sms, owner: ceo}
  - {id: p-incident, kind: incident_and_request, owner: sm-lead}

approvals:                   # dated records of top management approving things (EV-c, EV-d)
  - {id: appr-representative, subject: sm-lead, approver: ceo, date: 2026-01-05}
  - {id: appr-policy, subject: pol-sm, approver: ceo, date: 2026-01-05}
"""

#: The YAML text of a commented starter SMS for the 2018 edition, valid as it stands, as
#: ``sms-model init`` writes it by default: the 2011 starter's parts plus what the 2018 edition
#: asks new (context issues, interested parties' requirements, risks and opportunities,
#: knowledge, assets). Clause numbers in the comments are the 2018 edition's.
STARTER_2018: Final = """\
# A starter service management system (SMS) for sms_model, written for ISO/IEC 20000-1:2018.
# Edit the names and ids, add your services, processes and records, then run:
#   sms-model validate this-file.yaml
#   sms-model assess this-file.yaml
#   sms-model transition this-file.yaml    # what moving from the 2011 edition changes
# Ids must be unique across the whole file; records refer to entities by id.
format_version: 1
edition: "2018"              # assess against ISO/IEC 20000-1:2018 (quoted: it is a name)
name: Example Services
provider: example            # the party id of the service provider itself

top_management:              # who directs and controls the organization (5.1)
  members: [ceo]
  representative: sm-lead    # has the authority to see that the SMS conforms (5.3)
  representative_appointment: appr-representative

scope:                       # 4.3: the services in scope and who delivers them
  statement: All managed services delivered by Example Services.
  organisational_units: [example]
  services: [svc-desk]

parties:
  - {id: example, name: Example Services Ltd, kind: provider}
  - {id: customer-1, name: First Customer plc, kind: customer}

people:
  - {id: ceo, name: Chief Executive, party: example}
  - {id: sm-lead, name: Service Management Lead, party: example, reports_to: ceo}

policies:
  - id: pol-sm
    kind: service_management  # 5.2
    title: Service management policy
    owner: sm-lead
    issued: 2026-01-05
    commitments: [meet_service_requirements, continual_improvement, framework_for_objectives]
    communicated_to: [example, customer-1]

objectives:                  # measurable, with how they will be achieved (6.2)
  - id: obj-1
    statement: Answer service desk calls quickly
    owner: sm-lead
    target: 90% answered within 30 seconds
    due: 2026-12-31
    actions: [Add a second shift at peak hours]
    evaluation: Monthly call statistics reviewed by the service management lead

context_issues:              # external and internal issues that affect the SMS (4.1)
  - {id: ci-market, title: Customers move workloads to public cloud, external: true,
     determined: 2026-01-05, owner: sm-lead}
  - {id: ci-skills, title: Few staff know the legacy ticketing tool, external: false,
     determined: 2026-01-05, owner: sm-lead}

party_requirements:          # what interested parties require of the services and SMS (4.2)
  - {id: req-hours, party: customer-1, statement: Service desk open 8:00 to 18:00 on workdays,
     determined: 2026-01-05, services: [svc-desk]}

services:
  - {id: svc-desk, name: Service desk, customers: [customer-1], owner: sm-lead,
     components: [as-ticketing]}

assets:                      # assets used to deliver the services (8.2.5)
  - {id: as-ticketing, name: Ticketing tool licence, kind: licence, owner: sm-lead,
     services: [svc-desk], licence: "25 named agents, renewed yearly"}

processes:                   # one per process of Clause 8, plus the SMS itself
  - {id: p-sms, kind: sms, owner: ceo}
  - {id: p-incident, kind: incident_and_request, owner: sm-lead}
  - {id: p-request, kind: service_request, owner: sm-lead}

risks:                       # risks and opportunities, with their treatment (6.1)
  - {id: risk-1, title: Ticketing tool outage, owner: sm-lead, likelihood: 2, impact: 4,
     treatment: Keep a paper fallback procedure}
  - {id: opp-1, kind: opportunity, title: Self-service portal for password resets,
     owner: sm-lead}

knowledge:                   # knowledge needed to run the SMS and the services (7.6)
  - {id: kn-desk, topic: How the service desk works, subjects: [svc-desk], owner: sm-lead,
     available_to: [example]}

approvals:                   # dated records of top management approving things
  - {id: appr-representative, subject: sm-lead, approver: ceo, date: 2026-01-05}
  - {id: appr-policy, subject: pol-sm, approver: ceo, date: 2026-01-05}
"""
