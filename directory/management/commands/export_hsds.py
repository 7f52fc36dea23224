"""Write the directory as Open Referral HSDS 3.0 JSON (issue 21, point 6)."""

import json
import sys

from django.core.management.base import BaseCommand

from directory.hsds import export


class Command(BaseCommand):
    help = "Write the resource directory as HSDS 3.0 JSON (one page of the service list) to a file or stdout."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-", help="the file to write; - for stdout")

    def handle(self, *args, path: str, **options) -> None:
        data = export()
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
        if path == "-":
            sys.stdout.write(text + "\n")
        else:
            with open(path, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            self.stderr.write(f"{data['total_items']} services written to {path}")
