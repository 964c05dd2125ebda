"""The front door's own history for the demo: contacts, screening, MASH enquiries, decisions,
transfers and first visits (``frontdoor.demo.generator`` runs it)."""
