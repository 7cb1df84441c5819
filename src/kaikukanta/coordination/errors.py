from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.errors import DomainError


class RoleScopeInvalid(DomainError):
    code = "invitation_scope_invalid"
    message = _("This role needs a matching area, organisation or unit.")


class InvitationUnknown(DomainError):
    code = "invitation_unknown"
    message = _("This invitation link is not valid. Check that you copied the whole link.")
    http_status = 404


class InvitationExpired(DomainError):
    code = "invitation_expired"
    message = _("This invitation link has expired. Ask the person who invited you to send a "
                "new one.")
    http_status = 410


class InvitationUsed(DomainError):
    code = "invitation_used"
    message = _("This invitation link has already been used. Sign in with your email and "
                "password, or reset your password.")
    http_status = 410


class InvitationRevoked(DomainError):
    code = "invitation_revoked"
    message = _("This invitation has been cancelled. Ask the person who invited you if you "
                "still need access.")
    http_status = 410


class InvitationReplaced(DomainError):
    code = "invitation_replaced"
    message = _("A newer invitation link has been sent to you. Use the link in the latest "
                "email.")
    http_status = 410


class InvitationAccountDeactivated(DomainError):
    code = "invitation_account_deactivated"
    message = _("The account of this email address has been deactivated, so the invitation "
                "cannot be used. Ask your coordinator to reactivate the account.")
    http_status = 403


class InvitationNeedsSignIn(DomainError):
    code = "invitation_needs_sign_in"
    message = _("You already have an account with this email address. Sign in with your own "
                "password to accept the invitation.")
    http_status = 403


class InvitationClosed(DomainError):
    code = "invitation_closed"
    message = _("This invitation can no longer be changed.")


class CannotDeactivateSelf(DomainError):
    code = "cannot_deactivate_self"
    message = _("You cannot deactivate your own account.")



class AlreadyReviewed(DomainError):
    code = "distributor_already_reviewed"
    message = _("This distributor has already been reviewed.")


class EmailNotSent(DomainError):
    code = "email_not_sent"
    message = _("The email could not be sent. Nothing was saved; try again later.")
    http_status = 503
