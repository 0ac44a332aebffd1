from accounts import permissions


def roles(request):
    # No user on a request refused before the authentication middleware (an unknown Host gets the 400 page).
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "is_staff_member": permissions.is_staff_member(user),
        "is_establishment_admin": permissions.is_establishment_admin(user),
        "is_professional": permissions.is_professional(user),
        "is_student": hasattr(user, "student"),
    }
