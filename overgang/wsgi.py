import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "overgang.settings")
application = get_wsgi_application()

# What start-up loaded lives as long as the process: keep it out of the collector's full
# passes, which scanned all of it every few hundred requests (bench/notes.md).
gc.collect()
gc.freeze()
