"""How passwords are hashed, and how wrong ones are counted (django-axes), sized for the server's memory."""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_lockout_parameters
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2PasswordHasher
from django.db.models import Sum


class Argon2PasswordHasher(DjangoArgon2PasswordHasher):
    """Argon2id at OWASP's recommended minimum (Password Storage Cheat Sheet): 19 MiB, 2 passes, 1 lane.

    Django's defaults (100 MiB, 2 passes, 8 lanes) cost 100 MiB for every password checked, and a worker
    checks one per thread: 20 concurrent wrong passwords took the workers from about 350 MB to 1.6 GB. At 19 MiB
    the 20 threads of a two-core server (5 workers x 4 threads) hold at most about 380 MiB between them.
    The name stays "argon2", so hashes made with Django's parameters still verify, and Django's must_update
    rehashes them with these at the person's next sign-in.
    """

    memory_cost = 19 * 1024  # KiB
    time_cost = 2
    parallelism = 1


class AddressAwareDatabaseHandler(AxesDatabaseHandler):
    """django-axes' database handler, with a limit of its own for the count by client address alone.

    AXES_LOCKOUT_PARAMETERS counts each username and address pair (limit AXES_FAILURE_LIMIT) and each address
    (limit AXES_ADDRESS_FAILURE_LIMIT): an office behind one address may make a few typos between them, but
    wrong passwords for made-up usernames from one address are throttled too. django-axes compares the largest
    count with one limit, so the address count is scaled to that limit here.
    """

    def get_failures(self, request, credentials=None) -> int:
        limit, address_limit = settings.AXES_FAILURE_LIMIT, settings.AXES_ADDRESS_FAILURE_LIMIT
        counts = [0]
        parameters = get_lockout_parameters(request, credentials)
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            count = attempts.aggregate(Sum("failures_since_start"))["failures_since_start__sum"] or 0
            if parameter in ("ip_address", ["ip_address"]):
                count = count * limit // address_limit  # reaches limit exactly when count reaches address_limit
            counts.append(count)
        return max(counts)
