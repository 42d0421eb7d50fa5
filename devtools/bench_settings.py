"""The settings of the server `manage.py bench` starts for its served figures (devtools/bench.py, `_served_pages`):
the project's, with the benchmark's URLs, so that the floor exists in that server and in no other."""

from resilience_site.settings import *  # noqa: F403

ROOT_URLCONF = "devtools.bench_urls"
