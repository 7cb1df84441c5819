"""The registry's public key for mobile-card tokens, published for desks and ticket
sellers (JWK set, RFC 7517/8037). Cacheable: it changes only when the key is changed."""

from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from kaikukanta.cards import token_signing


@require_GET
@cache_control(public=True, max_age=3600)
def card_keys(request):
    response = JsonResponse(token_signing.jwks())
    response["Access-Control-Allow-Origin"] = "*"
    return response
