from django.urls import path

from kaikukanta.cards import views

app_name = "cards"

urlpatterns = [
    path("", views.card_list, name="card_list"),
    path("register/", views.card_register, name="register"),
    path("community/new/", views.community_card_issue, name="community_issue"),
    path("stock/", views.batch_list, name="batch_list"),
    path("stock/new/", views.batch_create, name="batch_create"),
    path("stock/<int:pk>/print.pdf", views.batch_pdf, name="batch_pdf"),
    path("stock/<int:pk>/prints/", views.batch_print_request, name="batch_print_request"),
    path("stock/prints/<int:pk>/", views.batch_print, name="batch_print"),
    path("stock/prints/<int:pk>/download.pdf", views.batch_print_download,
         name="batch_print_download"),
    path("<str:number>/", views.card_detail, name="card_detail"),
    path("<str:number>/renew/", views.card_renew, name="card_renew"),
    path("<str:number>/update/", views.card_update, name="card_update"),
    path("<str:number>/correct/", views.card_correct, name="card_correct"),
    path("<str:number>/inactivate/", views.card_inactivate, name="card_inactivate"),
    path("<str:number>/replace/", views.card_replace, name="card_replace"),
    path("<str:number>/move/", views.card_move, name="card_move"),
    path("<str:number>/void/", views.card_void, name="card_void"),
]
