"""The one `MetaData` every table belongs to, and the constraint naming convention.

Named constraints let later migrations drop or alter them by name on every backend.
Import `domain.store.schema` for the complete metadata (all tables registered).
"""

from __future__ import annotations

from sqlalchemy import MetaData, String, Text

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = String(255)
"""Ids as written (emails, slugs, "app:username"); keys are the same, casefolded."""
TEXT = Text()
