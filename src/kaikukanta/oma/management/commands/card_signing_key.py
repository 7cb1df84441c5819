"""Print a new Ed25519 key for signing mobile-card tokens, and its public key."""

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new KAIKUKANTA_CARD_SIGNING_KEY (keep it secret) and its public key."

    def handle(self, *args, **options):
        key = Ed25519PrivateKey.generate()
        private = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                    serialization.NoEncryption())
        public = key.public_key().public_bytes(serialization.Encoding.Raw,
                                               serialization.PublicFormat.Raw)
        self.stdout.write(f"KAIKUKANTA_CARD_SIGNING_KEY={base64.b64encode(private).decode()}")
        self.stdout.write(f"# public key: {base64.b64encode(public).decode()}")
