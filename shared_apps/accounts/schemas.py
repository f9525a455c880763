from datetime import datetime
from uuid import UUID

from ninja import Schema


class UserOut(Schema):
    uuid: UUID
    email: str
    first_name: str
    last_name: str
    full_name: str
    is_staff: bool
    date_joined: datetime

    @staticmethod
    def resolve_full_name(obj) -> str:
        return obj.get_full_name()
