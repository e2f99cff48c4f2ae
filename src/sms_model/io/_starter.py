"""The commented starter file written by ``sms-model init``."""

from __future__ import annotations

from typing import Final

__all__ = ["STARTER"]

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
