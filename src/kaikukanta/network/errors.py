from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.errors import DomainError


class MunicipalityInOtherArea(DomainError):
    code = "municipality_in_other_area"
    field = "municipalities"
    message = _("%(municipality)s already belongs to the active area %(area)s.")


class AreaNeedsMunicipality(DomainError):
    code = "area_needs_municipality"
    field = "municipalities"
    message = _("An area needs at least one municipality.")


class SellerLinkInvalid(DomainError):
    code = "seller_link_invalid"
    message = _("A link joins one ticket seller to one venue.")


class AlreadyCommitted(DomainError):
    code = "already_committed"
    message = _("This organisation has already acknowledged version %(version)s.")


class NameTaken(DomainError):
    code = "name_taken"
    field = "name"
    message = _("The name %(name)s is already in use here. Choose another name.")


class VersionTaken(DomainError):
    code = "operating_model_version_taken"
    field = "version"
    message = _("This version already exists.")


class NoOperatingModel(DomainError):
    code = "no_operating_model"
    message = _("No operating model version has been published yet.")
