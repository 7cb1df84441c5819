

app_name = "oma"

urlpatterns: list = []
