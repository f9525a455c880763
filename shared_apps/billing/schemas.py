from ninja import Schema


class FeatureOut(Schema):
    key: str
    name: str
    description: str
    group: str
    # The gate's answer right now: "on", "read_only" (readable, not changeable) or "off".
    state: str
    enabled: bool
    pending: bool
    killed: bool
    # Codes of the plans that offer it.
    plans: list[str]

    @staticmethod
    def resolve_key(obj) -> str:
        return obj.feature.key

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.feature.name

    @staticmethod
    def resolve_description(obj) -> str:
        return obj.feature.description
