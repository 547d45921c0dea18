"""SQLAlchemy tables, one module per table family. Import every module here so that
Alembic's autogenerate and the metadata see all tables."""

from accord.models.base import Base, OrgScoped
from accord.models.organisation import Organisation

__all__ = ["Base", "OrgScoped", "Organisation"]
