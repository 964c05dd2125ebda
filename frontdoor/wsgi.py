import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the URL map, templates) lives as long as the process:
# move it out of the garbage collector's sight, so the collections a busy request triggers
# (a search scores hundreds of records) do not walk it each time (benchmarks/matching_search.py).
gc.freeze()
