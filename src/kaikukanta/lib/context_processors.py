"""Context shared by every page: the text size chosen and the navigation of the role."""

from django.http import HttpRequest

TEXT_SIZES = ("normal", "large", "largest")
TEXT_SIZE_COOKIE = "kaiku_textsize"


def text_size(request: HttpRequest) -> str:
    value = request.COOKIES.get(TEXT_SIZE_COOKIE, "normal")
    return value if value in TEXT_SIZES else "normal"


def page_frame(request: HttpRequest) -> dict:
    from kaikukanta.accounts.navigation import navigation_for
    from kaikukanta.accounts.security import second_factor_pending

    # Before the second factor is given, the navigation shows no tasks.
    show_nav = hasattr(request, "user") and not second_factor_pending(request)
    return {
        "text_size": text_size(request),
        "text_sizes": TEXT_SIZES,
        "nav_items": navigation_for(request.user) if show_nav else [],
    }
