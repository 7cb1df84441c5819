"""Context shared by every page: the text size chosen and the navigation of the role."""

from django.http import HttpRequest

from kaikukanta.lib.navigation import navigation_for

TEXT_SIZES = ("normal", "large", "largest")
TEXT_SIZE_COOKIE = "kaiku_textsize"


def text_size(request: HttpRequest) -> str:
    value = request.COOKIES.get(TEXT_SIZE_COOKIE, "normal")
    return value if value in TEXT_SIZES else "normal"


def page_frame(request: HttpRequest) -> dict:
    # Before the second factor is given (accounts.middleware), the frame shows no tasks.
    show_nav = hasattr(request, "scope") and not getattr(request, "second_factor_pending", False)
    nav_items = navigation_for(request.scope) if show_nav else []
    return {
        "text_size": text_size(request),
        "text_sizes": TEXT_SIZES,
        "nav_items": nav_items,
        # the menu's frozen part's key (base.html): an entry's label follows from its key
        # and the language; cheaper to compare than the entries' lazy texts
        "nav_keys": tuple((item["key"], item["url"]) for item in nav_items),
        # where the language and text-size forms come back to
        "next_path": request.get_full_path(),
    }
