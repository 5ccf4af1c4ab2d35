from .access import user_roles


def navigation(request):
    """Roles of the signed-in user, for the navigation bar."""
    user = getattr(request, "user", None)
    return {"user_roles": user_roles(user) if user is not None else frozenset()}
