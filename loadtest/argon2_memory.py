"""Peak memory of one process checking N wrong passwords at once (threads, as a gthread worker does).

Compares Django's Argon2 parameters with the project's (assessments/web/passwords.py). Each runs in a fresh
process, so each peak is its own: `python loadtest/argon2_memory.py [--threads 20]`. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HASHERS = {
    "django-default": "django.contrib.auth.hashers.Argon2PasswordHasher",
    "project": "assessments.web.passwords.Argon2PasswordHasher",
}


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(hasher_path: str, threads: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resilience_site.settings")
    import django

    django.setup()
    from django.utils.module_loading import import_string

    hasher = import_string(hasher_path)()
    encoded = hasher.encode("the-right-password-1", hasher.salt())
    before = peak_mib()
    barrier = threading.Barrier(threads)
    results: list[bool] = []

    def one() -> None:
        barrier.wait()
        results.append(hasher.verify("a-wrong-password-1", encoded))

    workers = [threading.Thread(target=one) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert len(results) == threads and not any(results)
    params = hasher.decode(encoded)
    print(
        f"m={params['memory_cost']} KiB t={params['time_cost']} p={params['parallelism']}: "
        f"peak RSS {before:.0f} MiB before, {peak_mib():.0f} MiB with {threads} concurrent checks"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--only", choices=sorted(HASHERS))
    args = parser.parse_args()
    if args.only:
        measure(HASHERS[args.only], args.threads)
        return
    for name in HASHERS:
        print(f"{name}: ", end="", flush=True)
        subprocess.run(
            [sys.executable, __file__, "--only", name, "--threads", str(args.threads)], check=True, timeout=300
        )


if __name__ == "__main__":
    main()
