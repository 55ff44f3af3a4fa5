from django.contrib.auth.hashers import Argon2PasswordHasher


class TestArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with minimal cost, used only when the test suite runs (settings.TESTING)."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
