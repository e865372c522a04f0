"""Clinic records: patients, screening, plans, courses, sessions with the dose they
delivered, validated assessments, adverse events, outcomes, and an append-only audit log
(docs/clinic.md). The door to the database is `photodose.clinic.repository.Clinic`."""
