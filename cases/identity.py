"""National identity numbers at rest: encrypted (Fernet), and found by a keyed hash (HMAC-SHA256).

Both keys are derived from one secret, ``settings.OVERGANG_ID_KEY``, which production
requires from the environment. Without the key, a database dump or a backup holds no
number: the ciphertext is random and the hash cannot be reversed by trying every valid
number (there are only about 10^8), because it is keyed.
"""

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import models

#: Every Fernet token starts so (version byte 0x80, base64); no identity number does.
FERNET_PREFIX = "gAAAAA"


def _derive(purpose: bytes) -> bytes:
    return hmac.new(settings.OVERGANG_ID_KEY.encode(), purpose, hashlib.sha256).digest()


@functools.cache
def _fernet(secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"overgang national id encryption")))


def encrypt(number: str) -> str:
    return _fernet(settings.OVERGANG_ID_KEY).encrypt(number.encode()).decode() if number else ""


def decrypt(token: str) -> str:
    return _fernet(settings.OVERGANG_ID_KEY).decrypt(token.encode()).decode() if token else ""


def national_id_digest(number: str) -> str:
    """The keyed hash to look a person up by (the number as normalised at intake)."""
    if not number:
        return ""
    return hmac.new(_derive(b"overgang national id lookup"), number.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Text stored encrypted; reads give the clear text. Not searchable: look up by the digest."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value

    def to_python(self, value):
        # A dump (dumpdata, value_to_string) carries the ciphertext; loading it gives the number back.
        if isinstance(value, str) and value.startswith(FERNET_PREFIX):
            return decrypt(value)
        return super().to_python(value)

    def value_to_string(self, obj: models.Model) -> str:
        return encrypt(str(self.value_from_object(obj) or ""))

    def get_lookup(self, lookup_name):
        # Equal numbers encrypt differently, so a lookup would silently match nothing.
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None


class DigestField(models.CharField):
    """The keyed hash of another field of the same row, set on every save."""

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key in ("max_length", "editable", "blank", "default"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = national_id_digest(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value
