from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from platforms.services.creation import do_create_platform


class Command(BaseCommand):
    help = (
        "Create a platform (地方版プラットフォーム): create_platform <slug> --code <団体コード> --name <名称>"
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--code", required=True, help="全国地方公共団体コード (6 digits)")
        parser.add_argument("--name", required=True, help="プラットフォームの名称")
        parser.add_argument("--owner", default="", help="設置団体名 (e.g. 岐阜県)")

    def handle(self, *args, **opts):
        try:
            platform = do_create_platform(
                slug=opts["slug"], code=opts["code"], name=opts["name"], owner_name=opts["owner"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(_messages(exc))) from exc
        self.stdout.write(f"created platform {platform.slug} ({platform.code}) {platform.name}")


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [f"{field}: {msg}" for field, msgs in exc.message_dict.items() for msg in msgs]
    return [str(m) for m in exc.messages]
