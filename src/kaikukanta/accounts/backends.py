"""Email login. Inactive users cannot sign in, and their sessions stop working."""

from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = (email or username or "").strip().lower()
        return super().authenticate(request, username=email, password=password, **kwargs)

    def has_perm(self, user_obj, perm, obj=None):
        return user_obj.is_active and user_obj.is_staff
