"""The keeper's tests run on both databases, like the index's (the same fixtures)."""

from tests.index.conftest import db_url, keystore_password, postgres  # noqa: F401
