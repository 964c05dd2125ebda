"""The children's pages: finding a child or an adult, the child's page, the chronology, and the
pages that correct and complete a person's record (docs/records.md).

Pages only, no models: they sit above the matcher (the search), intake (a contact's
corrections, adding an adult) and the restricted records, so they live above them all rather
than in ``frontdoor.people``, which those apps build on. Templates stay in
``frontdoor/templates/people/``.
"""
