"""Reads that span the journey: clock readings, work queues and the front-door overview."""
