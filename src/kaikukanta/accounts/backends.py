"""Email login. Inactive users cannot sign in, and their sessions stop working."""

from django.contrib.auth.backends import ModelBackend, UserModel

from kaikukanta.accounts.scope import load_user


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = (email or username or "").strip().lower()
        return super().authenticate(request, username=email, password=password, **kwargs)

    def has_perm(self, user_obj, perm, obj=None):
        return user_obj.is_active and user_obj.is_staff

    def get_user(self, user_id):
        """The session's user, from the person's cache when it is current
        (`accounts.scope.load_user`: any change to the user row drops it, so a deactivated
        person's next request is anonymous)."""
        try:
            user = load_user(user_id, lambda pk: UserModel._default_manager.get(pk=pk))
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
