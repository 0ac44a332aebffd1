from accounts import permissions


def roles(request):
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "is_staff_member": permissions.is_staff_member(user),
        "is_establishment_admin": permissions.is_establishment_admin(user),
        "is_professional": permissions.is_professional(user),
        "is_student": hasattr(user, "student"),
    }
