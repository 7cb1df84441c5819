"""Compressed answers (gzip) for HTML, JSON and other text, safe against BREACH.

BREACH recovers a secret from the size of compressed answers when the same answer also
reflects text the attacker chose. Django's `GZipMiddleware` adds a random number of bytes
to every compressed answer ("Heal The Breach") and Django masks the CSRF token anew in
every answer, so neither the CSRF token nor a session cookie (never in a body) can be
read this way. What is left are the few pages that show a one-time secret in their body:
a second factor's key and recovery codes, a new API key, a card's OmaKaiku activation
code. Their views call `never_compress(response)`, and they are sent uncompressed.
Everything else that is text is compressed when the client accepts gzip: pages, the
partner API and open data (JSON), CSV exports. Images, PDFs and spreadsheets (already
compressed) and static files (WhiteNoise serves its own pre-compressed copies) are left
alone.

No Brotli (decided for issue 16, measured on the benchmark data): Brotli at a quality
cheap enough for answers made per request (5) saves 300-500 bytes an answer over gzip
(front page 5.8 → 5.5 KiB, offer search 4.4 → 4.1, open data 1.3 → 0.9, national
dashboard 5.7 → 5.1), and it has no counterpart of gzip's random header padding, so it
would need a BREACH defence of our own. The static files are 54 KiB in all, 20 KiB
gzipped and 16.5 KiB with Brotli at its best, and are cached for good by hashed name:
3.5 KiB once per browser and release. Neither earns a dependency. (WhiteNoise writes `.br`
copies by itself if the `brotli` package is ever installed; nothing here needs changing.)
"""

from __future__ import annotations

from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware

_TEXT = ("text/", "application/json", "application/javascript", "application/xml",
         "image/svg+xml", "application/manifest+json")


def never_compress(response: HttpResponse) -> HttpResponse:
    """Send this answer uncompressed: its body shows a one-time secret."""
    response.kaikukanta_never_compress = True
    return response


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if getattr(response, "kaikukanta_never_compress", False):
            return response
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(_TEXT):
            return response
        return super().process_response(request, response)
