from .access import user_roles
from .navigation import account_menu_for, menu_for


def navigation(request):
    """The menus of the signed-in user, asked of the access layer (stetapp/navigation.py),
    and the roles, for pages that greet each role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset(), "main_menu": [], "account_menu": []}
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else None
    return {
        "user_roles": user_roles(user),
        "main_menu": menu_for(user, current),
        "account_menu": account_menu_for(user, current),
    }
