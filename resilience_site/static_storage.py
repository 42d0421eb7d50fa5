"""How collectstatic stores the static files a production server serves (STORAGES in settings.py)."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's storage (every file under a name with its content's hash, so it can be cached for a year, and a
    gzip and a brotli copy beside it), which also rewrites the `import ... from "./x.js"` lines of our module scripts
    to the hashed names. Without that, the files static/js/app.js imports (the design system's script among them)
    were fetched by their plain names, which whitenoise may let a browser keep for only a minute."""

    support_js_module_import_aggregation = True
